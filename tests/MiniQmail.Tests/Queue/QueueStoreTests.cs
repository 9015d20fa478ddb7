using MiniQmail.Qmqp.Transport;
using MiniQmail.Queue.Storage;
using Xunit;

namespace MiniQmail.Tests.Queue;

public class QueueStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_enqueued_message_survives_closing_and_reopening_with_its_envelope_and_body_intact()
    {
        using var home = QueueKit.HomeWithQueue();
        var message = QueueKit.Message(1, bodyBytes: 3 * 1024 * 1024);
        var id = QueueKit.Enqueue(home, message, QueueKit.Envelope("s@x.example", "r1@y.example", "r2@y.example"), T0);

        using var store = QueueKit.Open(home);
        var entry = Assert.Single(store.List());
        Assert.Equal(id, entry.Id);
        Assert.Equal(message.Length, entry.Size);
        Assert.Equal("s@x.example"u8.ToArray(), entry.Envelope.Sender);
        Assert.Equal(2, entry.Envelope.Recipients.Count);
        Assert.Equal(T0, entry.Created);
        Assert.Equal(T0, entry.NextAttempt);
        Assert.Equal(message, QueueKit.ReadAll(store.ReadBody(id, home.Root)));
        Assert.Equal("ok", store.IntegrityCheck());
    }

    [Fact]
    public void A_leased_message_is_invisible_to_another_run_until_its_owner_is_found_dead()
    {
        using var home = QueueKit.HomeWithQueue();
        QueueKit.Enqueue(home, QueueKit.Message(1), at: T0);
        using var store = QueueKit.Open(home);
        Assert.Single(store.Claim("run-a", T0, T0.AddMinutes(10), 5, false));
        Assert.Empty(store.Claim("run-b", T0, T0.AddMinutes(10), 5, false));
        Assert.False(store.AnyDue(T0, false));

        Assert.Equal(0, store.ReleaseDeadLeases(owner => true));
        Assert.Equal(1, store.ReleaseDeadLeases(owner => owner != "run-a"));
        Assert.Single(store.Claim("run-b", T0, T0.AddMinutes(10), 5, false));
    }

    [Fact]
    public void Only_the_lease_holder_can_complete_or_record_a_failure()
    {
        using var home = QueueKit.HomeWithQueue();
        var id = QueueKit.Enqueue(home, QueueKit.Message(1), at: T0);
        using var store = QueueKit.Open(home);
        store.Claim("run-a", T0, T0.AddMinutes(10), 1, false);
        Assert.False(store.Complete(id, "run-b"));
        Assert.False(store.RecordFailure(id, "run-b", 1, "x", T0));
        Assert.True(store.RecordFailure(id, "run-a", 1, "127.0.0.1:1: refused", T0.AddMinutes(1)));
        var entry = store.Get(id)!;
        Assert.Equal(1, entry.Attempts);
        Assert.Equal("127.0.0.1:1: refused", entry.LastError);
        Assert.Equal(T0.AddMinutes(1), entry.NextAttempt);
        Assert.Empty(store.Claim("run-a", T0, T0.AddMinutes(10), 1, false));
        Assert.Single(store.Claim("run-a", T0.AddMinutes(1), T0.AddMinutes(10), 1, false));
        Assert.True(store.Complete(id, "run-a"));
        Assert.Empty(store.List());
    }

    [Fact]
    public void Claims_come_oldest_first_and_skip_held_messages_until_released()
    {
        using var home = QueueKit.HomeWithQueue();
        var ids = Enumerable.Range(0, 5).Select(i => QueueKit.Enqueue(home, QueueKit.Message(i), at: T0)).ToArray();
        using var store = QueueKit.Open(home);
        Assert.True(store.SetHeld(ids[0], true));
        var claimed = store.Claim("run", T0, T0.AddMinutes(1), 3, false);
        Assert.Equal(ids[1..4], claimed.Select(e => e.Id));
        Assert.True(store.SetHeld(ids[0], false));
        Assert.Equal(ids[0], store.Claim("run", T0, T0.AddMinutes(1), 1, false)[0].Id);
    }

    [Fact]
    public void Retry_makes_a_deferred_message_due_and_delete_removes_it_with_its_body()
    {
        using var home = QueueKit.HomeWithQueue();
        var id = QueueKit.Enqueue(home, QueueKit.Message(1), at: T0);
        using var store = QueueKit.Open(home);
        store.Claim("run", T0, T0.AddMinutes(1), 1, false);
        store.RecordFailure(id, "run", 1, "down", T0.AddHours(1));
        Assert.False(store.AnyDue(T0.AddMinutes(2), false));
        Assert.True(store.AnyDue(T0.AddMinutes(2), ignoreSchedule: true));
        Assert.True(store.Retry(id, T0.AddMinutes(2)));
        Assert.True(store.AnyDue(T0.AddMinutes(2), false));
        Assert.True(store.Delete(id));
        Assert.False(store.Delete(id));
        Assert.Throws<QueueStoreException>(() => store.ReadBody(id, home.Root));
    }

    [Fact]
    public void The_database_file_is_shared_with_the_group_and_nobody_else()
    {
        using var home = QueueKit.HomeWithQueue();
        QueueKit.Enqueue(home, QueueKit.Message(1));
        var mode = File.GetUnixFileMode(SqliteQueueStore.DatabasePath(QueueKit.QueueDir(home)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, mode);
        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(QueueKit.QueueDir(home)) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute));
    }

    [Fact]
    public void An_empty_message_is_stored_and_read_back()
    {
        using var home = QueueKit.HomeWithQueue();
        var id = QueueKit.Enqueue(home, []);
        using var store = QueueKit.Open(home);
        using var body = store.ReadBody(id, home.Root);
        Assert.Equal(0, body.Length);
    }

    [Fact]
    public void A_bounce_replaces_its_message_in_one_step()
    {
        using var home = QueueKit.HomeWithQueue();
        var id = QueueKit.Enqueue(home, QueueKit.Message(1), at: T0);
        using var store = QueueKit.Open(home);
        store.Claim("run", T0, T0.AddMinutes(1), 1, false);
        using var dsn = MessageSource.FromBytes("Subject: failure notice\n\nx\n"u8.ToArray());
        Assert.True(store.ReplaceWithBounce(id, "run", dsn, new([], ["a@b.example"u8.ToArray()]), T0));
        var entry = Assert.Single(store.List());
        Assert.NotEqual(id, entry.Id);
        Assert.Empty(entry.Envelope.Sender);
    }

    [Fact]
    public void A_snapshot_reads_bodies_while_another_connection_enqueues()
    {
        using var home = QueueKit.HomeWithQueue();
        var first = QueueKit.Enqueue(home, QueueKit.Message(1), at: T0);
        var second = QueueKit.Enqueue(home, QueueKit.Message(2), at: T0);
        using var reader = QueueKit.Open(home);
        byte[]? one = null, two = null;
        long third = 0;
        reader.Snapshot(() =>
        {
            one = QueueKit.ReadAll(reader.ReadBody(first, home.Root));
            // A read transaction holds no write lock: the enqueue commits at once instead of
            // waiting out the busy timeout.
            using (var writer = QueueKit.Open(home))
            {
                using var message = MessageSource.FromBytes(QueueKit.Message(3));
                third = writer.Enqueue(message, QueueKit.Envelope(), 0, T0);
            }
            two = QueueKit.ReadAll(reader.ReadBody(second, home.Root));
        });

        Assert.Equal(QueueKit.Message(1), one);
        Assert.Equal(QueueKit.Message(2), two);
        Assert.Equal([first, second, third], reader.List().Select(e => e.Id));
    }

    [Fact]
    public void A_checkpoint_moves_what_another_connection_committed_into_the_database_file()
    {
        using var home = QueueKit.HomeWithQueue();
        using var writer = QueueKit.EnqueueIntoLog(home, 50, out var before);
        var database = QueueKit.DatabaseFile(home);

        using (var other = QueueKit.Open(home))
            other.Checkpoint();

        Assert.True(new FileInfo(database).Length >= before + 50 * 4096, $"the database file grew from {before} to {new FileInfo(database).Length} bytes");
        Assert.Equal(50, writer.List().Count);
        Assert.Equal("ok", writer.IntegrityCheck());
    }
}
