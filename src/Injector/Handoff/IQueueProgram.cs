using MiniQmail.Qmqp.Codec;

namespace MiniQmail.Injector.Handoff;

/// <summary>How a queue program ended (qmail-inject.md §11.1): an exit code, a signal, or a failed wait.</summary>
public readonly record struct QueueOutcome(int ExitCode, bool Crashed = false, bool WaitFailed = false, byte[]? ErrorText = null,
    bool WriteFailed = false)
{
    public static QueueOutcome Exited(int code) => new(code);
}

/// <summary>
/// The qmail-queue interface as qmail-inject sees it: started at the end of the header, the
/// message written to <see cref="Message"/>, then the envelope, then its result. Two
/// implementations: the QMQP client in this process, and a program named by QMAILQUEUE.
/// </summary>
public interface IQueueProgram : IDisposable
{
    /// <summary>Where the message bytes go (the queue program's descriptor 0).</summary>
    Stream Message { get; }

    /// <summary>Ends the message, sends the envelope and waits for the result.</summary>
    QueueOutcome Finish(Envelope envelope);
}

/// <summary>Starts a queue program, or returns null when it cannot be started at all ("unable to run qmail-queue").</summary>
public delegate IQueueProgram? QueueLauncher();
