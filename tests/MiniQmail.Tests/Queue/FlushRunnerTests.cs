using System.Net;
using System.Text;
using MiniQmail.Queue;
using MiniQmail.Queue.Flush;
using MiniQmail.Qmqp.Sink;
using MiniQmail.Tests.Support;
using Xunit;

namespace MiniQmail.Tests.Queue;

public class FlushRunnerTests
{
    private static QmqpSink Sink(char reply = 'K') =>
        QmqpSink.Start(new QmqpSinkOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), Reply = reply });

    private static string Entry(QmqpSink sink) => $"127.0.0.1:{sink.LocalEndPoint.Port}";

    [Fact]
    public async Task A_flush_delivers_everything_due_oldest_first_and_empties_the_queue()
    {
        using var home = QueueKit.HomeWithQueue();
        for (var i = 0; i < 20; i++)
            QueueKit.Enqueue(home, QueueKit.Message(i), QueueKit.Envelope($"s{i}@x.example"));
        // The scripted server records each request before it answers, so the order is the order sent.
        await using var server = new ScriptedQmqpServer(ServerScript.Accept);
        var report = FlushRunner.Run(QueueKit.FlushOptions(home, [server.Entry]) with { Concurrency = 1 });

        Assert.Equal(20, report.Delivered);
        Assert.Empty(report.Errors);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"message {i}\n"),
            server.Requests.Select(r => Encoding.ASCII.GetString(r)).Select(r => r[(r.IndexOf("Subject: ", StringComparison.Ordinal) + 9)..(r.IndexOf("Message-ID", StringComparison.Ordinal))]));
        using var store = QueueKit.Open(home);
        Assert.Empty(store.List());
    }

    [Fact]
    public void With_the_servers_down_each_message_gets_an_attempt_its_error_and_a_later_next_attempt()
    {
        using var home = QueueKit.HomeWithQueue();
        var id = QueueKit.Enqueue(home, QueueKit.Message(1));
        var before = DateTimeOffset.UtcNow;
        var report = FlushRunner.Run(QueueKit.FlushOptions(home, [QueueKit.ClosedEntry()]));

        Assert.Equal(1, report.Deferred);
        using var store = QueueKit.Open(home);
        var entry = store.Get(id)!;
        Assert.Equal(1, entry.Attempts);
        Assert.Contains("connection refused", entry.LastError, StringComparison.OrdinalIgnoreCase);
        Assert.InRange(entry.NextAttempt, before.AddSeconds(29), before.AddSeconds(62));
    }

    [Fact]
    public async Task A_server_that_fails_is_skipped_for_the_rest_of_the_run()
    {
        using var home = QueueKit.HomeWithQueue();
        for (var i = 0; i < 10; i++)
            QueueKit.Enqueue(home, QueueKit.Message(i));
        await using var busy = Sink('Z');
        await using var good = Sink();
        var report = FlushRunner.Run(QueueKit.FlushOptions(home, [Entry(busy), Entry(good)]) with { Concurrency = 1 });

        Assert.Equal(10, report.Delivered);
        Assert.Equal(1, busy.Connections);
        Assert.Equal(10, good.Deliveries.Count);
    }

    [Fact]
    public void When_every_server_has_failed_the_run_stops_and_leaves_the_rest_untouched()
    {
        using var home = QueueKit.HomeWithQueue();
        for (var i = 0; i < 10; i++)
            QueueKit.Enqueue(home, QueueKit.Message(i));
        var report = FlushRunner.Run(QueueKit.FlushOptions(home, [QueueKit.ClosedEntry()]) with { Concurrency = 1 });

        Assert.Equal(1, report.Deferred);
        using var store = QueueKit.Open(home);
        Assert.Equal(9, store.List().Count(e => e.Attempts == 0));
    }

    [Fact]
    public void A_run_with_nothing_due_does_nothing()
    {
        using var home = QueueKit.HomeWithQueue();
        var found = 0;
        var report = FlushRunner.Run(QueueKit.FlushOptions(home, [QueueKit.ClosedEntry()]) with { WorkFound = () => found++ });
        Assert.Equal(new[] { 0, 0, 0, 0, 0 }, new[] { report.Delivered, report.Deferred, report.Bounced, report.Dropped, report.Untried });
        // Nothing found, so no random delay either: cron's idle runs end at once.
        Assert.Equal(0, found);
    }

    [Fact]
    public async Task A_run_that_finds_work_says_so_once_before_it_sends_anything()
    {
        using var home = QueueKit.HomeWithQueue();
        for (var i = 0; i < 3; i++)
            QueueKit.Enqueue(home, QueueKit.Message(i));
        await using var sink = Sink();
        var sentBefore = new List<int>();
        var report = FlushRunner.Run(QueueKit.FlushOptions(home, [Entry(sink)]) with { WorkFound = () => sentBefore.Add(sink.Deliveries.Count) });
        Assert.Equal(3, report.Delivered);
        Assert.Equal([0], sentBefore);
    }

    [Fact]
    public async Task Two_runs_at_once_send_each_message_exactly_once()
    {
        using var home = QueueKit.HomeWithQueue();
        for (var i = 0; i < 200; i++)
            QueueKit.Enqueue(home, QueueKit.Message(i));
        await using var sink = Sink();
        var runs = Enumerable.Range(0, 2).Select(_ => Task.Run(() => FlushRunner.Run(QueueKit.FlushOptions(home, [Entry(sink)]) with { Concurrency = 8 }))).ToArray();
        var reports = await Task.WhenAll(runs);

        Assert.Equal(200, reports.Sum(r => r.Delivered));
        Assert.Equal(200, sink.Deliveries.Count);
        Assert.Equal(200, sink.Deliveries.Select(d => d.MessageLength + "/" + d.Envelope.Recipients.Count).Count());
    }

    [Fact]
    public async Task A_permanent_refusal_returns_the_message_to_its_sender_as_a_delivery_status_notification()
    {
        using var home = QueueKit.HomeWithQueue();
        QueueKit.Enqueue(home, QueueKit.Message(1), QueueKit.Envelope("sender@x.example", "rcpt@y.example"));
        // The first request (the message) is refused for good; the next (its bounce) accepted.
        await using var server = new ScriptedQmqpServer(n => n == 0 ? ServerScript.Answer("8:Dno such,") : ServerScript.Accept);
        var report = FlushRunner.Run(QueueKit.FlushOptions(home, [server.Entry]) with { Concurrency = 1 });

        Assert.True(report is { Bounced: 1, Delivered: 1 }, report.ToString());
        Assert.Equal(2, server.Requests.Count);
        var bounce = Encoding.Latin1.GetString(server.Requests[1]);
        Assert.Contains("Content-Type: multipart/report; report-type=delivery-status", bounce, StringComparison.Ordinal);
        Assert.Contains("Final-Recipient: rfc822; rcpt@y.example", bounce, StringComparison.Ordinal);
        Assert.Contains("Status: 5.0.0", bounce, StringComparison.Ordinal);
        Assert.Contains("Diagnostic-Code: X-QMQP; 127.0.0.1", bounce, StringComparison.Ordinal);
        Assert.Contains("Subject: message 1", bounce, StringComparison.Ordinal);
        // Null sender, the original sender as the only recipient.
        Assert.EndsWith("0:,16:sender@x.example,,", bounce, StringComparison.Ordinal);
        using var store = QueueKit.Open(home);
        Assert.Empty(store.List());
    }

    [Fact]
    public async Task A_message_from_the_null_sender_is_never_bounced()
    {
        using var home = QueueKit.HomeWithQueue();
        QueueKit.Enqueue(home, QueueKit.Message(1), QueueKit.Envelope(""));
        await using var refusing = Sink('D');
        var report = FlushRunner.Run(QueueKit.FlushOptions(home, [Entry(refusing)]));
        Assert.Equal(1, report.Dropped);
        Assert.Equal(0, report.Bounced);
        using var store = QueueKit.Open(home);
        Assert.Empty(store.List());
    }

    [Fact]
    public void A_message_past_its_lifetime_is_bounced_after_its_last_attempt_fails()
    {
        using var home = QueueKit.HomeWithQueue();
        QueueKit.Enqueue(home, QueueKit.Message(1), QueueKit.Envelope("old@x.example"), DateTimeOffset.UtcNow.AddDays(-8));
        QueueKit.Enqueue(home, QueueKit.Message(2), QueueKit.Envelope("new@x.example"));
        var report = FlushRunner.Run(QueueKit.FlushOptions(home, [QueueKit.ClosedEntry()]) with { Concurrency = 1 });

        Assert.Equal(1, report.Bounced);
        using var store = QueueKit.Open(home);
        var left = store.List();
        Assert.Equal(2, left.Count);
        Assert.Contains(left, e => e.Envelope.Sender.Length == 0 && e.Envelope.Recipients[0].SequenceEqual("old@x.example"u8.ToArray()));
        Assert.Contains(left, e => e.Envelope.Sender.SequenceEqual("new@x.example"u8.ToArray()));
    }

    [Fact]
    public async Task A_silent_server_costs_one_attempt_timeout_and_is_then_skipped()
    {
        using var home = QueueKit.HomeWithQueue();
        for (var i = 0; i < 3; i++)
            QueueKit.Enqueue(home, QueueKit.Message(i));
        await using var silent = new ScriptedQmqpServer(ServerScript.Silence);
        await using var good = Sink();
        var started = DateTime.UtcNow;
        var report = FlushRunner.Run(QueueKit.FlushOptions(home, [silent.Entry, Entry(good)]) with { Concurrency = 1, AttemptTimeout = TimeSpan.FromSeconds(1) });

        Assert.Equal(3, report.Delivered);
        Assert.Equal(1, silent.Connections);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task Bodies_beyond_the_runs_memory_budget_wait_in_temporary_files_and_arrive_intact()
    {
        using var home = QueueKit.HomeWithQueue();
        // 40 bodies of 1 MB, each small enough for memory alone: together past the run's 32 MiB.
        const int count = 40;
        for (var i = 0; i < count; i++)
            QueueKit.Enqueue(home, QueueKit.Message(i, bodyBytes: 1_000_000));
        var maildir = Path.Combine(home.Root, "Maildir");
        await using var sink = QmqpSink.Start(new QmqpSinkOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), Maildir = maildir });
        var spool = Path.Combine(home.Root, "spool");
        Directory.CreateDirectory(spool);
        var mostSpooled = 0;
        var hooks = new QueueHooks(point =>
        {
            if (point == QueueHooks.FlushClaimed)
                mostSpooled = Math.Max(mostSpooled, OpenUnlinkedFilesIn(spool));
        });
        var report = FlushRunner.Run(QueueKit.FlushOptions(home, [Entry(sink)]) with { Concurrency = 1, TempDirectory = spool, Hooks = hooks });

        Assert.Equal(count, report.Delivered);
        Assert.InRange(mostSpooled, 1, count);
        var delivered = sink.Deliveries.Select(d => File.ReadAllBytes(d.Path!)).ToList();
        Assert.Equal(count, delivered.Count);
        for (var i = 0; i < count; i++)
            Assert.Single(delivered, d => d.AsSpan().EndsWith(QueueKit.Message(i, bodyBytes: 1_000_000)));
        Assert.Equal(0, OpenUnlinkedFilesIn(spool));
    }

    [Fact]
    public async Task A_bug_in_the_store_work_reaches_the_caller_and_the_message_stays_queued()
    {
        using var home = QueueKit.HomeWithQueue();
        QueueKit.Enqueue(home, QueueKit.Message(1));
        await using var sink = Sink();
        var hooks = new QueueHooks(point =>
        {
            if (point == QueueHooks.FlushClaimed)
                throw new InvalidOperationException("a bug in the store thread");
        });

        var e = Assert.Throws<InvalidOperationException>(() => FlushRunner.Run(QueueKit.FlushOptions(home, [Entry(sink)]) with { Concurrency = 1, Hooks = hooks }));
        Assert.Equal("a bug in the store thread", e.Message);
        using var store = QueueKit.Open(home);
        Assert.Single(store.List()); // not delivered, still queued
    }

    /// <summary>Files this process holds open in <paramref name="directory"/> that are already unlinked (the spool's).</summary>
    private static int OpenUnlinkedFilesIn(string directory) =>
        Directory.GetFiles("/proc/self/fd").Count(fd =>
        {
            try
            {
                return new FileInfo(fd).LinkTarget is { } target && target.StartsWith(directory + "/", StringComparison.Ordinal) && target.EndsWith(" (deleted)", StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false; // closed meanwhile
            }
        });
}
