using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MiniQmail.Qmqp.Codec;
using MiniQmail.Qmqp.Transport;
using MiniQmail.Queue.Storage;

namespace MiniQmail.Bench;

/// <summary>
/// Retry-queue figures: the enqueue rate with 8 parallel injectors while the servers are down
/// (qmail-queue processes, and the store alone), and the flush rate of 10,000 queued messages
/// into Postfix's qmqp-sink at concurrency 1, 4 and 16, next to Postfix's own qmqp-source
/// sending the same number of messages of the same size at the same concurrency, in the same
/// run (the ratio is ours / theirs; above 1 means the flush is faster).
/// </summary>
internal static class QueueBench
{
    private const string QmqpSink = "/usr/sbin/qmqp-sink";
    private const string QmqpSource = "/usr/sbin/qmqp-source";
    private const int MessageLength = 2048;

    public static int Run(string[] args)
    {
        var messages = QmqpBench.Option(args, "--messages", 10_000);
        var injections = QmqpBench.Option(args, "--injections", 400);
        var rounds = QmqpBench.Option(args, "--rounds", 5);
        var scratch = Directory.CreateTempSubdirectory("mini-qmail-queue-bench.").FullName;
        try
        {
            Enqueue(scratch, injections);
            if (!File.Exists(QmqpSink) || !File.Exists(QmqpSource))
            {
                Console.Error.WriteLine($"queue bench: {QmqpSink} and {QmqpSource} (package postfix) are needed for the flush figures");
                return 1;
            }
            foreach (var concurrency in new[] { 1, 4, 16 })
                Flush(scratch, messages, concurrency, rounds);
            return 0;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static readonly byte[] Message = MakeMessage();

    private static readonly Envelope Envelope = new("bench@example.com"u8.ToArray(), ["sink@example.com"u8.ToArray()]);

    private static byte[] MakeMessage()
    {
        var head = "From: bench@example.com\nTo: sink@example.com\nSubject: queue bench\n\n"u8.ToArray();
        var body = Enumerable.Repeat((byte)'x', MessageLength - head.Length - 1).Append((byte)'\n');
        return head.Concat(body).ToArray();
    }

    private static string Home(string scratch, string name, int serverPort)
    {
        var home = Path.Combine(scratch, name);
        Directory.CreateDirectory(Path.Combine(home, "control"));
        File.WriteAllText(Path.Combine(home, "control", "qmqpservers"), $"127.0.0.1:{serverPort}\n");
        File.WriteAllText(Path.Combine(home, "control", "queue"), "");
        File.WriteAllText(Path.Combine(home, "control", "me"), "bench.example\n");
        return home;
    }

    private static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>8 injectors in parallel, servers down: every message goes to the queue (fsynced).</summary>
    private static void Enqueue(string scratch, int injections)
    {
        var home = Home(scratch, "enqueue", ClosedPort());
        var link = Path.Combine(scratch, "qmail-queue");
        File.CreateSymbolicLink(link, Builds.MiniQmail);
        var messageFile = Path.Combine(scratch, "message");
        var envelopeFile = Path.Combine(scratch, "envelope");
        File.WriteAllBytes(messageFile, Message);
        File.WriteAllBytes(envelopeFile, Envelope.ToQueueForm());
        RunProcess(link, [], home, messageFile, envelopeFile); // warm-up, creates the queue
        var failures = 0;
        var watch = Stopwatch.StartNew();
        Parallel.For(0, injections, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            if (RunProcess(link, [], home, messageFile, envelopeFile) != 0)
                Interlocked.Increment(ref failures);
        });
        var rate = injections / watch.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"queue enqueue, 8 parallel qmail-queue processes, servers down: {injections} messages of {MessageLength} bytes, {rate:0} messages/s ({failures} failed)"));

        // The same 8 injectors with a server that accepts: the process start-up both pay.
        var accepting = MiniQmail.Qmqp.Sink.QmqpSink.Start(new MiniQmail.Qmqp.Sink.QmqpSinkOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) });
        var up = Home(scratch, "enqueue-up", accepting.LocalEndPoint.Port);
        watch.Restart();
        Parallel.For(0, injections, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ => RunProcess(link, [], up, messageFile, envelopeFile));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"for comparison, the same 8 injectors with a server up (no queueing): {injections / watch.Elapsed.TotalSeconds:0} messages/s"));
        accepting.DisposeAsync().AsTask().GetAwaiter().GetResult();

        var directory = Path.Combine(scratch, "store-only");
        const int perThread = 250;
        watch.Restart();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            using var store = SqliteQueueStore.Open(directory);
            using var source = MessageSource.FromBytes(Message);
            for (var i = 0; i < perThread; i++)
                store.Enqueue(source, Envelope, 0, DateTimeOffset.UtcNow);
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"queue enqueue, 8 threads on the store alone (one fsynced transaction each): {8 * perThread / watch.Elapsed.TotalSeconds:0} messages/s"));
    }

    /// <summary>10,000 queued messages flushed into qmqp-sink, then qmqp-source sending as many.</summary>
    private static void Flush(string scratch, int messages, int concurrency, int rounds)
    {
        var port = ClosedPort();
        using var sink = Process.Start(new ProcessStartInfo(QmqpSink) { ArgumentList = { $"127.0.0.1:{port}", "1024" }, UseShellExecute = false })!;
        try
        {
            WaitForListener(port);
            var home = Home(scratch, $"flush{concurrency}", port);
            var queue = Path.Combine(home, "queue");
            // The machine is shared and one run of either side can be 10 % off the next: the
            // measures take turns, five rounds by default, and the medians are compared.
            var ours = new List<double>();
            var library = new List<double>();
            var theirs = new List<double>();
            // Processor time per message, µs: the client process, and the sink serving it.
            var (ourCpu, ourSink, theirCpu, theirSink) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
            var (libraryCpu, librarySink) = (new List<double>(), new List<double>());
            // At concurrency 1, the QMQP client alone in a loop takes a turn too: the floor under the flush.
            var client = new List<double>();
            var left = 0;
            for (var round = 0; round < rounds; round++)
            {
                var (children, served) = (CpuTime.Children(), CpuTime.Of(sink.Id));
                theirs.Add(Source(port, messages, concurrency));
                theirCpu.Add((CpuTime.Children() - children).TotalMicroseconds / messages);
                theirSink.Add((CpuTime.Of(sink.Id) - served).TotalMicroseconds / messages);
                Fill(queue, messages);
                (children, served) = (CpuTime.Children(), CpuTime.Of(sink.Id));
                var watch = Stopwatch.StartNew();
                var code = RunProcess(Builds.MiniQmail, ["flush", "--all", "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture)], home, null, null);
                ours.Add(messages / watch.Elapsed.TotalSeconds);
                ourCpu.Add((CpuTime.Children() - children).TotalMicroseconds / messages);
                ourSink.Add((CpuTime.Of(sink.Id) - served).TotalMicroseconds / messages);
                using (var store = SqliteQueueStore.Open(queue))
                    left += store.List().Count;
                if (code != 0)
                    throw new InvalidOperationException($"flush exited {code}");
                Fill(queue, messages);
                var (self, beforeLibrary) = (CpuTime.Self(), CpuTime.Of(sink.Id));
                library.Add(InProcess(queue, port, messages, concurrency));
                libraryCpu.Add((CpuTime.Self() - self).TotalMicroseconds / messages);
                librarySink.Add((CpuTime.Of(sink.Id) - beforeLibrary).TotalMicroseconds / messages);
                if (concurrency == 1)
                    client.Add(ClientLoop(port, messages));
            }
            double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"queue flush of {messages} messages into qmqp-sink, concurrency {concurrency} (medians of {rounds}): mini-qmail flush {Median(ours):0} messages/s, qmqp-source {Median(theirs):0} messages/s, ratio {Median(ours) / Median(theirs):0.00}; in-process flush (no start-up) {Median(library):0} messages/s, ratio {Median(library) / Median(theirs):0.00}{(left > 0 ? $" ({left} left unsent!)" : "")}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  processor time per message (medians): mini-qmail flush {Median(ourCpu):0} µs, qmqp-sink serving it {Median(ourSink):0} µs; qmqp-source {Median(theirCpu):0} µs, qmqp-sink serving it {Median(theirSink):0} µs; in-process flush {Median(libraryCpu):0} µs, qmqp-sink serving it {Median(librarySink):0} µs; {Environment.ProcessorCount} processors"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  each round, messages/s: mini-qmail flush {string.Join(" ", ours.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))}; qmqp-source {string.Join(" ", theirs.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))}"));
            if (client.Count > 0)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  the QMQP client alone, one message after another, no queue (same rounds): {Median(client):0} messages/s, ratio to qmqp-source {Median(client) / Median(theirs):0.00}"));
        }
        finally
        {
            sink.Kill();
            sink.WaitForExit();
        }
    }


    /// <summary>Postfix's load generator: the same number of messages of the same size, N sessions at once.</summary>
    private static double Source(int port, int messages, int concurrency)
    {
        var watch = Stopwatch.StartNew();
        using var source = Process.Start(new ProcessStartInfo(QmqpSource)
        {
            ArgumentList = { "-s", concurrency.ToString(CultureInfo.InvariantCulture), "-m", messages.ToString(CultureInfo.InvariantCulture), "-l", MessageLength.ToString(CultureInfo.InvariantCulture), "-C", "5", $"127.0.0.1:{port}" },
            UseShellExecute = false,
        })!;
        source.WaitForExit();
        return messages / watch.Elapsed.TotalSeconds;
    }

    /// <summary>The same flush in this process (the library, no start-up): the steady-state rate.</summary>
    private static double InProcess(string queue, int port, int messages, int concurrency)
    {
        var watch = Stopwatch.StartNew();
        var report = MiniQmail.Queue.Flush.FlushRunner.Run(new MiniQmail.Queue.Flush.FlushOptions
        {
            OpenStore = () => SqliteQueueStore.Open(queue, durableCommits: false),
            Servers = [new MiniQmail.Control.QmqpServer("127.0.0.1", port, IPAddress.Loopback)],
            Timeouts = MiniQmail.Control.QmqpTimeouts.Default,
            Settings = new MiniQmail.Queue.QueueSettings(queue, TimeSpan.FromDays(7), concurrency, TimeSpan.FromMinutes(1), TimeSpan.FromHours(2)),
            LeaseOwner = MiniQmail.Queue.Flush.LeaseOwner.Create(Environment.ProcessId),
            IgnoreSchedule = true,
            Concurrency = concurrency,
        });
        return report.Delivered / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Queues <paramref name="messages"/> copies of the test message (set-up, not measured).</summary>
    private static void Fill(string queue, int messages)
    {
        using var store = SqliteQueueStore.Open(queue, durableCommits: false);
        using var source = MessageSource.FromBytes(Message);
        for (var i = 0; i < messages; i++)
            store.Enqueue(source, Envelope, 0, DateTimeOffset.UtcNow);
    }

    /// <summary>The QMQP client alone, one message after another: the floor under the flush's cost per message.</summary>
    private static double ClientLoop(int port, int count)
    {
        var server = new MiniQmail.Control.QmqpServer("127.0.0.1", port, IPAddress.Loopback);
        using var source = MessageSource.FromBytes(Message);
        var timeouts = MiniQmail.Control.QmqpTimeouts.Default;
        QmqpSender.Send([server], source, Envelope, timeouts);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
            QmqpSender.Send([server], source, Envelope, timeouts);
        return count / watch.Elapsed.TotalSeconds;
    }

    private static void WaitForListener(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
        }
    }

    private static int RunProcess(string program, string[] args, string home, string? messageFile, string? envelopeFile)
    {
        var info = new ProcessStartInfo(messageFile is null ? program : "/bin/sh") { UseShellExecute = false, RedirectStandardError = true };
        if (messageFile is not null)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("exec \"$0\" <\"$1\" 1<\"$2\"");
            info.ArgumentList.Add(program);
            info.ArgumentList.Add(messageFile);
            info.ArgumentList.Add(envelopeFile!);
        }
        foreach (var a in args)
            info.ArgumentList.Add(a);
        info.Environment["MINIQMAIL_HOME"] = home;
        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            Console.Error.Write(Encoding.UTF8.GetBytes(errors).Length > 0 ? errors : "");
        return process.ExitCode;
    }
}
