using MiniQmail.Cli.Edges;

namespace MiniQmail.Cli.Classic;

/// <summary>
/// What sendmail's -q and -bp (and mailq) reach. The optional retry queue answers here; while
/// it is not turned on, both return null and the caller behaves as mini-qmail does.
/// </summary>
internal static class QueueEntryPoints
{
    /// <summary>Lists the retry queue; null when no queue is configured.</summary>
    public static int? List(string program, ProcessEnvironment env) => null;

    /// <summary>Delivers what the retry queue holds; null when no queue is configured.</summary>
    public static int? Flush(string program, ProcessEnvironment env) => null;
}
