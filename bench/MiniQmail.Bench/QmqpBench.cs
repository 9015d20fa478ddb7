using System.Diagnostics;
using System.Net;
using MiniQmail.Control;
using MiniQmail.Qmqp.Codec;
using MiniQmail.Qmqp.Sink;
using MiniQmail.Qmqp.Transport;

namespace MiniQmail.Bench;

/// <summary>
/// QMQP client figures against a sink on loopback: messages per second (library loop and one
/// qmail-qmqpc process per message, as sendmail runs it), and peak RSS and MB/s for a 1 GiB
/// message read from a pipe (spooled) and from a regular file (used in place).
/// </summary>
internal static class QmqpBench
{
    public static int Run(string[] args)
    {
        var count = Option(args, "--messages", 2000);
        var gib = Option(args, "--big-mib", 1024);
        var scratch = Directory.CreateTempSubdirectory("mini-qmail-bench.").FullName;
        try
        {
            return RunIn(scratch, count, gib);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static int RunIn(string scratch, int count, int bigMib)
    {
        var maildir = Path.Combine(scratch, "Maildir");
        var sink = QmqpSink.Start(new QmqpSinkOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), Maildir = maildir });
        var server = new QmqpServer("127.0.0.1", sink.LocalEndPoint.Port, IPAddress.Loopback);
        var message = "From: bench@example.com\nTo: sink@example.com\nSubject: bench\n\n"u8.ToArray().Concat(new byte[2000].Select(_ => (byte)'x')).Append((byte)'\n').ToArray();
        var envelope = new Envelope("bench@example.com"u8.ToArray(), ["sink@example.com"u8.ToArray()]);

        // 1. The library in a loop: what a flush of the retry queue or a long-lived sender gets.
        using (var source = MessageSource.FromBytes(message))
        {
            QmqpSender.Send([server], source, envelope, QmqpTimeouts.Default); // warm-up
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                if (!QmqpSender.Send([server], source, envelope, QmqpTimeouts.Default).Accepted)
                    throw new InvalidOperationException("sink refused a message");
            }
            Report($"qmqp library loop: {count} messages of {message.Length} bytes into a Maildir sink", count / watch.Elapsed.TotalSeconds, "messages/s");
        }

        sink.DisposeAsync().AsTask().GetAwaiter().GetResult();

        // 2. One qmail-qmqpc process per message, as sendmail and cron use it, to a sink that
        // discards (a storing sink would measure its fsync); the bundle as installed.
        var discard = QmqpSink.Start(new QmqpSinkOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) });
        var exe = Builds.MiniQmail;
        var home = Path.Combine(scratch, "home");
        Directory.CreateDirectory(Path.Combine(home, "control"));
        File.WriteAllText(Path.Combine(home, "control", "qmqpservers"), $"127.0.0.1:{discard.LocalEndPoint.Port}\n");
        var messageFile = Path.Combine(scratch, "message");
        var envelopeFile = Path.Combine(scratch, "envelope");
        File.WriteAllBytes(messageFile, message);
        File.WriteAllBytes(envelopeFile, envelope.ToQueueForm());
        var link = Path.Combine(scratch, "qmail-qmqpc");
        File.CreateSymbolicLink(link, exe);
        var processes = Math.Max(50, count / 10);
        var times = new List<double>();
        for (var i = 0; i < processes; i++)
            times.Add(RunQmqpc(link, home, messageFile, envelopeFile, pipe: false).Elapsed.TotalMilliseconds);
        times.Sort();
        Report($"qmail-qmqpc process per message ({processes} runs, discarding sink)", 1000 / times.Average(), "messages/s");
        Console.WriteLine($"  wall time per process: median {times[times.Count / 2]:0.0} ms, p90 {times[times.Count * 9 / 10]:0.0} ms");

        // 3. A big message: peak RSS and MB/s, through a pipe (spooled) and from a file (in place).
        var big = Path.Combine(scratch, "big");
        WriteBigMessage(big, bigMib);
        foreach (var pipe in new[] { true, false })
        {
            var run = RunQmqpc(link, home, big, envelopeFile, pipe);
            if (run.ExitCode != 0)
                throw new InvalidOperationException($"big message failed: exit {run.ExitCode}");
            var mb = bigMib * 1024.0 * 1024 / 1e6;
            Console.WriteLine($"qmail-qmqpc, {bigMib} MiB message {(pipe ? "through a pipe (spooled to a temp file)" : "from a regular file (read in place)")}: " +
                $"{mb / run.Elapsed.TotalSeconds:0} MB/s, peak RSS {run.PeakRssKib / 1024.0:0.0} MiB");
        }
        discard.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return 0;
    }

    private sealed record ProcessRun(int ExitCode, TimeSpan Elapsed, long PeakRssKib);

    private static ProcessRun RunQmqpc(string link, string home, string messageFile, string envelopeFile, bool pipe)
    {
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(pipe ? "cat \"$1\" | \"$0\" 1<\"$2\"" : "exec \"$0\" <\"$1\" 1<\"$2\"");
        info.ArgumentList.Add(link);
        info.ArgumentList.Add(messageFile);
        info.ArgumentList.Add(envelopeFile);
        info.Environment["MINIQMAIL_HOME"] = home;
        info.Environment["TMPDIR"] = Path.GetDirectoryName(messageFile)!;
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        long peak = 0;
        while (!process.WaitForExit(5))
            peak = Math.Max(peak, PeakRss(process.Id, Path.GetFileName(link)));
        return new ProcessRun(process.ExitCode, watch.Elapsed, peak);
    }

    /// <summary>VmHWM of the qmail-qmqpc process: the shell's own pid, or its child's when it pipes.</summary>
    private static long PeakRss(int shellPid, string name)
    {
        long best = 0;
        foreach (var pid in new[] { shellPid }.Concat(Children(shellPid)))
        {
            try
            {
                var status = File.ReadAllLines($"/proc/{pid}/status");
                if (!status.Any(l => l.StartsWith("Name:", StringComparison.Ordinal) && name.StartsWith(l[5..].Trim(), StringComparison.Ordinal)))
                    continue;
                var hwm = status.FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
                if (hwm is not null)
                    best = Math.Max(best, long.Parse(hwm[6..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
            }
        }
        return best;
    }

    private static IEnumerable<int> Children(int pid)
    {
        var path = $"/proc/{pid}/task/{pid}/children";
        try
        {
            return File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse);
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static void WriteBigMessage(string path, int mib)
    {
        using var file = File.Create(path);
        file.Write("Subject: big\n\n"u8);
        var line = new byte[1024];
        Array.Fill(line, (byte)'y');
        line[^1] = (byte)'\n';
        for (long written = 14; written < mib * 1024L * 1024;)
        {
            var n = (int)Math.Min(line.Length, mib * 1024L * 1024 - written);
            file.Write(line, 0, n);
            written += n;
        }
    }

    private static void Report(string what, double value, string unit) => Console.WriteLine($"{what}: {value:0} {unit}");

    internal static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }
}
