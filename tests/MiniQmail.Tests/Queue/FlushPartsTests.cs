using MiniQmail.Control;
using MiniQmail.Qmqp.Transport;
using MiniQmail.Queue.Flush;
using MiniQmail.Queue.Storage;
using Xunit;

namespace MiniQmail.Tests.Queue;

/// <summary>The pieces a flush run is built from: the per-address pipelines and the background checkpoints.</summary>
public class FlushPartsTests
{
    private static readonly QmqpServer Server = new("127.0.0.1", 628, System.Net.IPAddress.Loopback);

    [Fact]
    public void Many_delivery_threads_asking_for_a_new_address_at_once_get_one_pipeline_built()
    {
        var breakers = new ServerBreakers(TimeSpan.FromSeconds(5), TimeProvider.System);
        const int threads = 16;
        using var start = new Barrier(threads);
        var results = new AttemptResult?[threads];
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            start.SignalAndWait(TimeSpan.FromSeconds(30));
            results[i] = breakers.Execute("127.0.0.1:628",
                _ => new AttemptResult(Server, "127.0.0.1:628", AttemptStatus.Accepted, "Kok"),
                detail => new AttemptResult(Server, "127.0.0.1:628", AttemptStatus.ConnectTimeout, detail));
        })).ToArray();
        foreach (var worker in workers)
            worker.Start();
        foreach (var worker in workers)
            Assert.True(worker.Join(TimeSpan.FromSeconds(60)));

        Assert.All(results, r => Assert.Equal(AttemptStatus.Accepted, r?.Status));
        Assert.Equal(1, breakers.Built);
    }

    [Fact]
    public void The_checkpointer_moves_a_running_flushs_commits_into_the_database_file()
    {
        using var home = QueueKit.HomeWithQueue();
        using var writer = QueueKit.EnqueueIntoLog(home, 50, out var before);
        var database = QueueKit.DatabaseFile(home);

        using (new Checkpointer(() => QueueKit.Open(home), log: null))
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (new FileInfo(database).Length < before + 50 * 4096 && DateTime.UtcNow < deadline)
                Thread.Sleep(10);
        }

        Assert.True(new FileInfo(database).Length >= before + 50 * 4096, $"the database file stayed at {new FileInfo(database).Length} bytes (from {before})");
        Assert.Equal(50, writer.List().Count);
    }

    [Fact]
    public void A_checkpointer_that_cannot_open_the_queue_stops_quietly_and_logs_nothing()
    {
        var opened = 0;
        var logged = new List<string>();
        var checkpointer = new Checkpointer(() =>
        {
            Interlocked.Increment(ref opened);
            throw new QueueStoreException("unable to open the queue /nonexistent: permission denied", 14);
        }, logged.Add);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Volatile.Read(ref opened) == 0 && DateTime.UtcNow < deadline)
            Thread.Sleep(5);
        // Past the failed open the thread has ended: more intervals bring no second try.
        Thread.Sleep(Checkpointer.Interval * 2);
        checkpointer.Dispose();

        Assert.Equal(1, opened);
        Assert.Empty(logged);
    }
}
