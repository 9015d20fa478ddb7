using MiniQmail.Control;
using MiniQmail.Queue.Storage;

namespace MiniQmail.Queue.Flush;

/// <summary>Everything one flush run needs; the host fills it from control files and the process.</summary>
public sealed record FlushOptions
{
    /// <summary>Opens a connection to the queue (one per worker).</summary>
    public required Func<IQueueStore> OpenStore { get; init; }

    public required IReadOnlyList<QmqpServer> Servers { get; init; }

    public required QmqpTimeouts Timeouts { get; init; }

    public required QueueSettings Settings { get; init; }

    /// <summary>This run's lease name; <see cref="LeaseOwner.Create"/> makes one.</summary>
    public required string LeaseOwner { get; init; }

    /// <summary>Whether the run that holds a lease still exists; <see cref="Flush.LeaseOwner.IsAlive"/> by default.</summary>
    public Func<string, bool> IsLeaseOwnerAlive { get; init; } = Flush.LeaseOwner.IsAlive;

    /// <summary>The host name in bounces (control/me).</summary>
    public string ReportingHost { get; init; } = "localhost";

    public string TempDirectory { get; init; } = Path.GetTempPath();

    /// <summary>Send every message that is not held, whatever its next attempt time (sendmail -q, flush --all).</summary>
    public bool IgnoreSchedule { get; init; }

    /// <summary>Parallel deliveries; the settings' concurrency when null.</summary>
    public int? Concurrency { get; init; }

    /// <summary>Longest one attempt against one server address may take; connect + 2 × I/O timeout when null.</summary>
    public TimeSpan? AttemptTimeout { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>A number in [0, 1) (backoff jitter).</summary>
    public Func<double> Random { get; init; } = System.Random.Shared.NextDouble;

    public QueueHooks Hooks { get; init; } = QueueHooks.None;

    /// <summary>
    /// Called once the run has found something to send, before it sends: cron's random delay
    /// goes here, so that a flush with nothing to do still exits at once.
    /// </summary>
    public Action? WorkFound { get; init; }

    /// <summary>Receives one line per failure worth telling the administrator.</summary>
    public Action<string>? Log { get; init; }

    internal TimeSpan EffectiveAttemptTimeout => AttemptTimeout ?? Timeouts.Connect + Timeouts.Io + Timeouts.Io;
}
