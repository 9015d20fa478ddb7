namespace MiniQmail.Bench;

/// <summary>QMQP client figures: messages per second to a loopback sink; a 1 GiB message's peak RSS and MB/s.</summary>
internal static class QmqpBench
{
    public static int Run(string[] args)
    {
        Console.WriteLine("qmqp benchmark: not written yet");
        return 0;
    }
}
