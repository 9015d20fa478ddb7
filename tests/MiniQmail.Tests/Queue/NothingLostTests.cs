using System.Diagnostics;
using System.Net;
using System.Text;
using MiniQmail.Qmqp.Codec;
using MiniQmail.Qmqp.Sink;
using MiniQmail.Queue;
using MiniQmail.Tests.Support;
using Xunit;

namespace MiniQmail.Tests.Queue;

/// <summary>
/// Nothing lost, nothing doubled: concurrent injections and flushes, SIGKILL at named points and
/// at random moments, a full disk. Every acknowledged message ends up queued or delivered.
/// </summary>
public class NothingLostTests
{
    private static QmqpSink SinkOn(int port, string? maildir = null) =>
        QmqpSink.Start(new QmqpSinkOptions { Listen = new IPEndPoint(IPAddress.Loopback, port), Maildir = maildir });

    private static Envelope Numbered(int n) => QueueKit.Envelope($"s{n}@x.example");

    private static int Number(SinkDelivery d) => Number(d.Envelope.Sender);

    private static int Number(byte[] sender) => int.Parse(Encoding.ASCII.GetString(sender)[1..^10], System.Globalization.CultureInfo.InvariantCulture);

    private static Dictionary<int, int> Counts(IEnumerable<SinkDelivery> deliveries) =>
        deliveries.GroupBy(Number).ToDictionary(g => g.Key, g => g.Count());

    private static void AssertQueueSound(ScratchHome home, int expectedCount)
    {
        using var store = QueueKit.Open(home);
        Assert.Equal("ok", store.IntegrityCheck());
        var entries = store.List();
        Assert.Equal(expectedCount, entries.Count);
        foreach (var entry in entries)
        {
            using var body = store.ReadBody(entry.Id, home.Root);
            Assert.Equal(entry.Size, body.Length);
        }
    }

    [Fact]
    public async Task Fifty_concurrent_injections_with_the_servers_down_then_two_flushes_at_once_deliver_each_message_exactly_once()
    {
        var ports = new[] { ScriptedQmqpServer.ClosedPort(), ScriptedQmqpServer.ClosedPort() };
        using var home = QueueKit.HomeWithQueue(ports.Select(p => $"127.0.0.1:{p}").ToArray());
        var codes = new int[50];
        Parallel.For(0, 50, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i => codes[i] = QueueKit.Inject(home, QueueKit.Message(i), Numbered(i)).ExitCode);
        Assert.All(codes, c => Assert.Equal(0, c));

        // Two flushes at once while the servers are still down: both fail quietly, nothing is lost.
        var down = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => QueueKit.Cli(home, "flush", "--all"))));
        Assert.All(down, r => Assert.Equal(0, r.ExitCode));
        AssertQueueSound(home, 50);

        await using var first = SinkOn(ports[0]);
        await using var second = SinkOn(ports[1]);
        var up = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => QueueKit.Cli(home, "flush", "--all", "--concurrency", "4"))));
        Assert.All(up, r => Assert.Equal("exit 0; stdout: ; stderr: ", r.ToString()));

        var counts = Counts(first.Deliveries.Concat(second.Deliveries));
        Assert.Equal(Enumerable.Range(0, 50), counts.Keys.Order());
        Assert.All(counts.Values, c => Assert.Equal(1, c));
        AssertQueueSound(home, 0);
    }

    [Theory]
    [InlineData(QueueHooks.EnqueueWritten, 0)]
    [InlineData(QueueHooks.EnqueueCommitted, 1)]
    public void A_kill_during_enqueue_leaves_a_sound_queue_holding_the_message_once_committed(string point, int expected)
    {
        using var home = QueueKit.HomeWithQueue();
        QueueKit.Enqueue(home, QueueKit.Message(100));
        var result = QueueKit.Inject(home, QueueKit.Message(1, bodyBytes: 200_000), null, (TestCrash, point));
        Assert.NotEqual(0, result.ExitCode);
        AssertQueueSound(home, 1 + expected);
        Assert.Equal(0, QueueKit.Inject(home, QueueKit.Message(2)).ExitCode);
        AssertQueueSound(home, 2 + expected);
    }

    private const string TestCrash = "MINIQMAIL_TEST_CRASH";

    [Theory]
    [InlineData(QueueHooks.FlushClaimed, 3, false)]
    [InlineData(QueueHooks.FlushAccepted, 3, true)]
    [InlineData(QueueHooks.FlushCompleted, 3, false)]
    [InlineData(QueueHooks.FlushFailed, 1, false)]
    public async Task A_kill_during_flush_loses_nothing_and_doubles_at_most_the_message_between_K_and_its_commit(string point, int hit, bool mayDouble)
    {
        var port = ScriptedQmqpServer.ClosedPort();
        using var home = QueueKit.HomeWithQueue($"127.0.0.1:{port}");
        for (var i = 0; i < 10; i++)
            QueueKit.Enqueue(home, QueueKit.Message(i), Numbered(i));
        var sink = point == QueueHooks.FlushFailed ? null : SinkOn(port);
        var crashed = QueueKit.Cli(home, [(TestCrash, $"{point}:{hit}")], "flush", "--concurrency", "1");
        Assert.NotEqual(0, crashed.ExitCode);
        HashSet<int> left;
        using (var store = QueueKit.Open(home))
        {
            Assert.Equal("ok", store.IntegrityCheck());
            left = store.List().Select(e => Number(e.Envelope.Sender)).ToHashSet();
            Assert.InRange(left.Count, point == QueueHooks.FlushCompleted ? 0 : 10 - hit, point == QueueHooks.FlushCompleted ? 10 - hit : 10);
        }
        // What the killed run handed over (each once) and did not manage to record as sent.
        var sentByTheKilledRun = sink is null ? [] : Counts(sink.Deliveries);
        Assert.All(sentByTheKilledRun.Values, c => Assert.Equal(1, c));
        var unrecorded = sentByTheKilledRun.Keys.Where(left.Contains).Order().ToList();

        sink ??= SinkOn(port);
        await using (sink)
        {
            var after = QueueKit.Cli(home, "flush", "--all");
            Assert.Equal(0, after.ExitCode);
            var counts = Counts(sink.Deliveries);
            Assert.Equal(Enumerable.Range(0, 10), counts.Keys.Order());
            Assert.All(counts.Values, c => Assert.InRange(c, 1, 2));
            // Exactly the messages whose K came before the kill and whose deletion was not yet
            // committed go out twice; a kill at the third K leaves that one unrecorded, and a
            // kill after a commit or at a failure doubles nothing that commit recorded.
            Assert.Equal(unrecorded, counts.Where(c => c.Value == 2).Select(c => c.Key).Order());
            Assert.InRange(unrecorded.Count, mayDouble ? 1 : 0, point switch
            {
                QueueHooks.FlushFailed => 0,
                QueueHooks.FlushCompleted => MiniQmail.Queue.Flush.FlushRunner.Window(1),
                _ => hit,
            });
        }
        AssertQueueSound(home, 0);
    }

    [Fact]
    public async Task Kills_at_random_moments_of_flush_runs_never_lose_a_message()
    {
        var port = ScriptedQmqpServer.ClosedPort();
        using var home = QueueKit.HomeWithQueue($"127.0.0.1:{port}");
        for (var i = 0; i < 300; i++)
            QueueKit.Enqueue(home, QueueKit.Message(i), Numbered(i));
        await using var sink = SinkOn(port);
        var random = new Random(5);
        const int kills = 6, concurrency = 4;
        for (var k = 0; k < kills; k++)
        {
            using var flush = Start(home, Programs.Executable, ["flush", "--all", "--concurrency", $"{concurrency}"]);
            Thread.Sleep(random.Next(80, 400));
            flush.Kill();
            Assert.True(flush.WaitForExit(10_000));
            using var store = QueueKit.Open(home);
            Assert.Equal("ok", store.IntegrityCheck());
        }
        Assert.Equal(0, QueueKit.Cli(home, "flush", "--all").ExitCode);

        var counts = Counts(sink.Deliveries);
        Assert.Equal(Enumerable.Range(0, 300), counts.Keys.Order());
        // Only messages leased at a kill (K received, deletion not committed) can go out twice.
        Assert.InRange(counts.Values.Sum() - 300, 0, kills * MiniQmail.Queue.Flush.FlushRunner.Window(concurrency));
        AssertQueueSound(home, 0);
    }

    [Fact]
    public void Kills_at_random_moments_of_injections_never_lose_an_acknowledged_message()
    {
        using var home = QueueKit.HomeWithQueue();
        var random = new Random(11);
        var acknowledged = new List<int>();
        const int injections = 24;
        var processes = new List<(int N, Process P)>();
        for (var i = 0; i < injections; i++)
        {
            var dir = Path.Combine(home.Root, $"in{i}");
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, "m"), QueueKit.Message(i, bodyBytes: 100_000));
            File.WriteAllBytes(Path.Combine(dir, "e"), Numbered(i).ToQueueForm());
            processes.Add((i, Start(home, "/bin/sh", ["-c", $"exec \"{home.Bin("qmail-queue")}\" <\"{dir}/m\" 1<\"{dir}/e\""])));
        }
        foreach (var (n, p) in processes)
        {
            Thread.Sleep(random.Next(0, 60));
            if (random.Next(2) == 0 && !p.HasExited)
                p.Kill();
            Assert.True(p.WaitForExit(30_000));
            if (p.ExitCode == 0)
                acknowledged.Add(n);
            p.Dispose();
        }
        using var store = QueueKit.Open(home);
        Assert.Equal("ok", store.IntegrityCheck());
        var queued = store.List().Select(e => int.Parse(Encoding.ASCII.GetString(e.Envelope.Sender)[1..^10], System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        Assert.Subset(queued, acknowledged.ToHashSet());
        Assert.True(acknowledged.Count > 0);
    }

    [Fact]
    public void A_file_size_limit_during_enqueue_is_a_temporary_failure_with_a_clear_message_and_the_queue_still_opens()
    {
        using var home = QueueKit.HomeWithQueue();
        Assert.Equal(0, QueueKit.Inject(home, QueueKit.Message(1)).ExitCode);
        var message = Path.Combine(home.Root, "big");
        var envelope = Path.Combine(home.Root, "env");
        File.WriteAllBytes(message, QueueKit.Message(2, bodyBytes: 8 * 1024 * 1024));
        File.WriteAllBytes(envelope, QueueKit.Envelope().ToQueueForm());
        // SIGXFSZ ignored, so a write past the limit fails with EFBIG as on a full disk. The
        // runtime's W^X double mapping lives in a memfd that the limit would cap too: turned off.
        var result = ProgramRunner.Run("/bin/sh", ["-c", $"trap '' XFSZ; ulimit -f 2048; exec \"{home.Bin("qmail-queue")}\" <\"{message}\" 1<\"{envelope}\""],
            env: home.Environment(("DOTNET_EnableWriteXorExecute", "0")), timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(53, result.ExitCode);
        Assert.Contains("qmail-queue: fatal: no server accepted the message and the queue could not store it: unable to write to the queue ", result.StderrText, StringComparison.Ordinal);

        AssertQueueSound(home, 1);
        Assert.Equal(0, QueueKit.Inject(home, QueueKit.Message(3)).ExitCode);
        AssertQueueSound(home, 2);
    }

    [SkippableFact]
    public void A_full_tmpfs_during_enqueue_is_a_temporary_failure_and_the_queue_still_opens()
    {
        Skip.If(!QueueKit.IsRoot, "mounting a tmpfs needs root");
        using var home = QueueKit.HomeWithQueue();
        var mount = Path.Combine(home.Root, "small");
        Directory.CreateDirectory(mount);
        var mounted = ProgramRunner.Run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mount]);
        // A container without CAP_SYS_ADMIN cannot mount; the file-size-limit test covers the same path there.
        Skip.If(mounted.ExitCode != 0, $"mount not permitted here: {mounted.StderrText}");
        try
        {
            home.WriteControl("queue", Path.Combine(mount, "queue") + "\n");
            Assert.Equal(0, QueueKit.Inject(home, QueueKit.Message(1)).ExitCode);
            var full = QueueKit.Inject(home, QueueKit.Message(2, bodyBytes: 2 * 1024 * 1024));
            Assert.Equal(53, full.ExitCode);
            Assert.Contains("could not store it", full.StderrText, StringComparison.Ordinal);
            Assert.Contains("database or disk is full", full.StderrText, StringComparison.Ordinal);
            using (var store = Storage(mount))
            {
                Assert.Equal("ok", store.IntegrityCheck());
                Assert.Single(store.List());
            }
            Assert.Equal(0, QueueKit.Inject(home, QueueKit.Message(3)).ExitCode);
        }
        finally
        {
            ProgramRunner.Run("/bin/umount", ["-l", mount]);
        }
    }

    private static MiniQmail.Queue.Storage.SqliteQueueStore Storage(string mount) =>
        MiniQmail.Queue.Storage.SqliteQueueStore.Open(Path.Combine(mount, "queue"));

    private static Process Start(ScratchHome home, string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        foreach (var (name, value) in home.Environment())
            info.Environment[name] = value;
        var process = Process.Start(info)!;
        process.StandardOutput.ReadToEndAsync();
        process.StandardError.ReadToEndAsync();
        return process;
    }
}
