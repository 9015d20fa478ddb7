namespace MiniQmail.Queue;

/// <summary>
/// Named points in enqueue and flush where a test can stop or kill the process, to show that a
/// crash at any of them loses nothing. The library only calls <see cref="At"/>; what happens
/// there is the host's choice (the CLI kills itself when MINIQMAIL_TEST_CRASH names the point).
/// </summary>
public sealed class QueueHooks(Action<string>? point)
{
    public static readonly QueueHooks None = new(null);

    /// <summary>Message and envelope written, transaction not yet committed.</summary>
    public const string EnqueueWritten = "enqueue-written";

    /// <summary>Committed; the caller has not yet been told.</summary>
    public const string EnqueueCommitted = "enqueue-committed";

    /// <summary>A flush run has leased messages and not yet sent them.</summary>
    public const string FlushClaimed = "flush-claimed";

    /// <summary>A server answered K; the message is still in the queue (the at-least-once window).</summary>
    public const string FlushAccepted = "flush-accepted";

    /// <summary>A delivered message was removed from the queue.</summary>
    public const string FlushCompleted = "flush-completed";

    /// <summary>A failed attempt was recorded.</summary>
    public const string FlushFailed = "flush-failed";

    public static readonly string[] All = [EnqueueWritten, EnqueueCommitted, FlushClaimed, FlushAccepted, FlushCompleted, FlushFailed];

    public void At(string name) => point?.Invoke(name);
}
