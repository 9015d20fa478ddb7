using System.Diagnostics;
using System.Globalization;
using MiniQmail.Queue;

namespace MiniQmail.Cli.Edges;

/// <summary>
/// Test-only: MINIQMAIL_TEST_CRASH=point[:n] makes the process kill itself (SIGKILL, no
/// clean-up of any kind) the n-th time (default 1st) it reaches the named point of enqueue or
/// flush (<see cref="QueueHooks"/> lists them). Unset, it costs nothing.
/// </summary>
internal static class TestCrashPoints
{
    public const string Variable = "MINIQMAIL_TEST_CRASH";

    public static QueueHooks From(ProcessEnvironment env)
    {
        if (env.GetVariable(Variable) is not { Length: > 0 } spec)
            return QueueHooks.None;
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? spec : spec[..colon];
        var count = colon >= 0 && int.TryParse(spec[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1;
        var hits = 0;
        return new QueueHooks(point =>
        {
            if (point == name && Interlocked.Increment(ref hits) == count)
                Process.GetCurrentProcess().Kill();
        });
    }
}
