using MiniQmail.Cli.Edges;

namespace MiniQmail.Cli.Classic;

/// <summary>
/// What sendmail's -q and -bp (and mailq) reach. The optional retry queue answers here; while
/// it is not turned on (no control/queue), both return null and the caller behaves as
/// mini-qmail does.
/// </summary>
internal static class QueueEntryPoints
{
    /// <summary>Lists the retry queue; null when no queue is configured.</summary>
    public static int? List(string program, ProcessEnvironment env) =>
        IsOn(env) ? QueueTools.List(program, env, json: false) : null;

    /// <summary>Delivers everything the retry queue holds that is not held, due or not; null when no queue is configured.</summary>
    public static int? Flush(string program, ProcessEnvironment env) =>
        IsOn(env) ? QueueTools.Flush(program, env, all: true, concurrency: null, randomDelaySeconds: 0) : null;

    private static bool IsOn(ProcessEnvironment env) => File.Exists(env.Layout.Control(QueueHandoff.SwitchFile));
}
