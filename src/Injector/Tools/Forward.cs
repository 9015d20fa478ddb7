using System.Globalization;
using MiniQmail.Injector.Handoff;
using MiniQmail.Qmqp.Codec;

namespace MiniQmail.Injector.Tools;

/// <summary>
/// forward (tools.md): DTLINE and standard input, unchanged, to the queue program with sender
/// NEWSENDER and the arguments as recipients (no completion, no quoting).
/// </summary>
public static class Forward
{
    public static (int ExitCode, byte[] Diagnostic) Run(IReadOnlyList<byte[]> recipients, Func<string, byte[]?> env, Stream input,
        QueueLauncher launch, int ownPid)
    {
        if (env("NEWSENDER") is not { } sender)
            return Fail("NEWSENDER not set", 100);
        if (env("DTLINE") is not { } dtLine)
            return Fail("DTLINE not set", 100);
        using var queue = launch();
        if (queue is null)
            return Fail("unable to fork: resource temporarily unavailable", 111);
        var writeFailed = false;
        var buffer = new byte[64 * 1024];
        try
        {
            queue.Message.Write(dtLine);
        }
        catch (IOException)
        {
            writeFailed = true;
        }
        while (true)
        {
            int n;
            try
            {
                n = input.Read(buffer);
            }
            catch (IOException e)
            {
                return Fail($"unable to read message: {e.Message}", 111);
            }
            if (n == 0)
                break;
            if (writeFailed)
                continue;
            try
            {
                queue.Message.Write(buffer, 0, n);
            }
            catch (IOException)
            {
                writeFailed = true;
            }
        }
        var outcome = queue.Finish(new Envelope(sender, recipients));
        if (QueueResultText.Describe(outcome, writeFailed) is { } problem)
            return Fail(problem.Text, problem.Permanent ? 100 : 111);
        var pid = queue is SpawnedQueueProgram spawned ? spawned.ProcessId : ownPid;
        return (0, System.Text.Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"forward: qp {pid}\n")));
    }

    private static (int, byte[]) Fail(string reason, int code) => (code, System.Text.Encoding.UTF8.GetBytes($"forward: fatal: {reason}\n"));
}
