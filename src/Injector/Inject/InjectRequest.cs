using MiniQmail.Control;
using MiniQmail.Injector.Handoff;

namespace MiniQmail.Injector.Inject;

/// <summary>Everything one qmail-inject run reads: arguments, environment, clock, pid and streams.</summary>
public sealed class InjectRequest
{
    /// <summary>The header may not grow beyond this many bytes (README, "Differences": header cap).</summary>
    public const int DefaultHeaderLimit = 8 * 1024 * 1024;

    public required IReadOnlyList<byte[]> Arguments { get; init; }
    /// <summary>Last component of argv[0]: the prefix of the two usage messages (§2).</summary>
    public string ProgramName { get; init; } = "qmail-inject";
    public required Func<string, byte[]?> Environment { get; init; }
    public required Layout Layout { get; init; }
    /// <summary>The directory QMAILMFTFILE is relative to (§9.6).</summary>
    public required string WorkingDirectory { get; init; }
    public required TimeProvider Clock { get; init; }
    public required int ProcessId { get; init; }
    public required Stream Input { get; init; }
    /// <summary>Standard output, written only in print mode (-n).</summary>
    public required Stream Output { get; init; }
    /// <summary>Starts the queue program (QMAILQUEUE or the in-process QMQP client).</summary>
    public required QueueLauncher Launch { get; init; }
    public int HeaderLimit { get; init; } = DefaultHeaderLimit;
}

/// <summary>The end of a run: the exit code and the bytes for standard error (empty on success).</summary>
public sealed record InjectResult(int ExitCode, byte[] Diagnostic)
{
    public static InjectResult Success { get; } = new(0, []);
}
