using MiniQmail.Qmqp.Codec;
using MiniQmail.Qmqp.Transport;

namespace MiniQmail.Queue.Storage;

/// <summary>
/// The retry queue's storage. Every method is one transaction; a committed enqueue survives a
/// crash of the process and of the machine. Claims are leases: a message claimed by one flush
/// run is invisible to other runs until the lease ends or its owner is found dead.
/// </summary>
public interface IQueueStore : IDisposable
{
    /// <summary>Stores a message and its envelope, due at once; returns its id once it is on disk.</summary>
    long Enqueue(MessageSource message, Envelope envelope, uint owner, DateTimeOffset now);

    /// <summary>
    /// Leases up to <paramref name="max"/> messages, oldest first, that are not held, not leased
    /// and due (or any when <paramref name="ignoreSchedule"/>).
    /// </summary>
    IReadOnlyList<QueueEntry> Claim(string leaseOwner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, bool ignoreSchedule);

    /// <summary>True if a flush would find something to do now.</summary>
    bool AnyDue(DateTimeOffset now, bool ignoreSchedule);

    /// <summary>
    /// The body of a message, read from the store: in memory up to <paramref name="memoryLimit"/>
    /// bytes, through a temporary file when larger.
    /// </summary>
    MessageSource ReadBody(long id, string tempDirectory, int memoryLimit = MessageSpool.DefaultMemoryThreshold);

    /// <summary>Removes a delivered message, if this lease still holds it.</summary>
    bool Complete(long id, string leaseOwner);

    /// <summary>Records a failed attempt and the next attempt time, and ends the lease.</summary>
    bool RecordFailure(long id, string leaseOwner, int attempts, string error, DateTimeOffset nextAttempt);

    /// <summary>Ends a lease without counting an attempt (no server could be tried).</summary>
    bool Release(long id, string leaseOwner);

    /// <summary>Removes a message and queues its bounce in the same transaction.</summary>
    bool ReplaceWithBounce(long id, string leaseOwner, MessageSource bounce, Envelope bounceEnvelope, DateTimeOffset now);

    /// <summary>Ends the leases of flush runs that no longer exist; returns how many messages were freed.</summary>
    int ReleaseDeadLeases(Func<string, bool> isAlive);

    /// <summary>Runs several of these calls as one transaction (one commit for a batch of outcomes).</summary>
    void Batch(Action body);

    /// <summary>Runs several reads against one snapshot of the store (one read transaction for a batch of bodies).</summary>
    void Snapshot(Action body);

    /// <summary>
    /// Moves what is committed so far from the store's log into its main file, without blocking
    /// other connections; what it does not finish now is left for the next call or the close.
    /// </summary>
    void Checkpoint();

    IReadOnlyList<QueueEntry> List();

    QueueEntry? Get(long id);

    bool Delete(long id);

    /// <summary>Makes a message due now.</summary>
    bool Retry(long id, DateTimeOffset now);

    bool SetHeld(long id, bool held);
}
