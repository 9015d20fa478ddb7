using System.Diagnostics;
using System.Globalization;
using System.Net;
using MiniQmail.Qmqp.Sink;

namespace MiniQmail.Bench;

/// <summary>
/// Start-up cost of sendmail (issue: item 7): the median wall time of <c>sendmail -t &lt; small
/// message</c> delivering to a QMQP sink on loopback, against a .NET hello-world published the
/// same way (the self-contained bundle: trimmed, composite ReadyToRun) and started the same way, in the same
/// run, runs interleaved. Prints both medians and their ratio (target: at most 1.5).
/// </summary>
internal static class StartupBench
{
    public static int Run(string[] args)
    {
        var runs = QmqpBench.Option(args, "--runs", 40);
        var root = Builds.RepoRoot();
        var scratch = Directory.CreateTempSubdirectory("mini-qmail-startup.").FullName;
        try
        {
            var mq = Path.GetDirectoryName(Builds.MiniQmail);
            var hello = Builds.Publish(Path.Combine(root, "bench", "StartupHello", "StartupHello.csproj"), Path.Combine(scratch, "hello"));
            if (mq is null || hello is null)
                return 111;
            return Measure(scratch, Path.Combine(mq, "mini-qmail"), Path.Combine(hello, "startup-hello"), runs);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static int Measure(string scratch, string miniQmail, string hello, int runs)
    {
        // The sink accepts and discards: storing (with its fsync) would measure the disk, not the start-up.
        var sink = QmqpSink.Start(new QmqpSinkOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), Maildir = null });
        var home = Path.Combine(scratch, "home");
        Directory.CreateDirectory(Path.Combine(home, "bin"));
        Directory.CreateDirectory(Path.Combine(home, "control"));
        File.CreateSymbolicLink(Path.Combine(home, "bin", "sendmail"), miniQmail);
        File.CreateSymbolicLink(Path.Combine(home, "bin", "qmail-inject"), miniQmail);
        File.WriteAllText(Path.Combine(home, "control", "me"), "client1.example.com\n");
        File.WriteAllText(Path.Combine(home, "control", "qmqpservers"), $"127.0.0.1:{sink.LocalEndPoint.Port}\n");
        try
        {
            return MeasureWith(home, miniQmail, hello, runs);
        }
        finally
        {
            sink.DisposeAsync().AsTask().Wait();
        }
    }

    private static int MeasureWith(string home, string miniQmail, string hello, int runs)
    {
        var message = "To: sink@example.com\nSubject: start-up\n\nA small message.\n"u8.ToArray();

        var sendmailTimes = new List<double>();
        var injectTimes = new List<double>();
        var helloTimes = new List<double>();
        for (var i = -3; i < runs; i++)
        {
            var s = Time(Path.Combine(home, "bin", "sendmail"), ["-t"], message, home);
            var n = Time(Path.Combine(home, "bin", "qmail-inject"), ["-n"], message, home);
            var h = Time(hello, [], message, home);
            if (s is null || n is null || h is null)
                return 111;
            if (i < 0)
                continue; // warm-up: page cache, sink
            sendmailTimes.Add(s.Value);
            injectTimes.Add(n.Value);
            helloTimes.Add(h.Value);
        }
        var ms = Median(sendmailTimes);
        var mn = Median(injectTimes);
        var mh = Median(helloTimes);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"startup: sendmail -t (to a loopback QMQP sink) median {ms:F1} ms; .NET hello-world median {mh:F1} ms; ratio {ms / mh:F2} ({runs} runs each, the self-contained bundle)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"startup: qmail-inject -n (no hand-off) median {mn:F1} ms; ratio to hello-world {mn / mh:F2}"));
        // Minima are the least disturbed by other load on the machine.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"startup: fastest runs: sendmail -t {sendmailTimes.Min():F1} ms, qmail-inject -n {injectTimes.Min():F1} ms, hello-world {helloTimes.Min():F1} ms; ratio {sendmailTimes.Min() / helloTimes.Min():F2}"));
        return 0;
    }

    /// <summary>Wall time of one run in milliseconds; null (with a message) if it failed.</summary>
    private static double? Time(string program, string[] args, byte[] input, string home)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        info.Environment["MINIQMAIL_HOME"] = home;
        info.Environment["USER"] = "bench";
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        process.StandardInput.BaseStream.Write(input);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            Console.Error.WriteLine($"startup: {program} did not finish in 30 s");
            return null;
        }
        var elapsed = watch.Elapsed.TotalMilliseconds;
        if (process.ExitCode != 0)
        {
            Console.Error.WriteLine($"startup: {program} exited {process.ExitCode}: {stderr.Result}{stdout.Result}");
            return null;
        }
        return elapsed;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        var n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
