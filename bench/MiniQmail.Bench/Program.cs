namespace MiniQmail.Bench;

/// <summary>
/// Benchmarks that print their figures. Speed and memory goals are measured here, not in
/// timed unit tests. Build in Release: <c>dotnet run -c Release --project bench/MiniQmail.Bench -- MODE</c>.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "all";
        var rest = args.Length > 1 ? args[1..] : [];
        switch (mode)
        {
            case "qmqp":
                return QmqpBench.Run(rest);
            case "startup":
                return StartupBench.Run(rest);
            case "queue":
                return QueueBench.Run(rest);
            case "all":
                var results = new[] { QmqpBench.Run(rest), StartupBench.Run(rest), QueueBench.Run(rest) };
                return results.FirstOrDefault(r => r != 0);
            default:
                Console.Error.WriteLine("usage: mini-qmail-bench [qmqp|startup|queue|all] [options]");
                return 100;
        }
    }
}
