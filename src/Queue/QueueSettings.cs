using System.Globalization;
using System.Text;
using MiniQmail.Control;

namespace MiniQmail.Queue;

/// <summary>
/// The retry queue's configuration, read from control files. The queue is on exactly when
/// control/queue exists; its first line names the queue directory (empty: home/queue; a
/// relative path is taken from the home). The other files are optional numbers.
/// </summary>
public sealed record QueueSettings(
    string Directory,
    TimeSpan Lifetime,
    int Concurrency,
    TimeSpan BackoffBase,
    TimeSpan BackoffCap)
{
    /// <summary>The switch: its presence turns the queue on.</summary>
    public const string SwitchFile = "queue";

    /// <summary>qmail's queuelifetime: seconds a message may stay queued before it bounces.</summary>
    public const string LifetimeFile = "queuelifetime";

    public const string ConcurrencyFile = "queueconcurrency";
    public const string BackoffBaseFile = "queuebackoff";
    public const string BackoffCapFile = "queuebackoffmax";

    /// <summary>qmail's default queuelifetime, 7 days.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(604800);

    public const int DefaultConcurrency = 4;
    public static readonly TimeSpan DefaultBackoffBase = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan DefaultBackoffCap = TimeSpan.FromHours(2);

    /// <summary>One line for qmail-showctl and doctor.</summary>
    public const string Description =
        "queue: retry queue on; first line is the queue directory (empty: /var/mini-qmail/queue). Without this file mail that no server accepts fails with a temporary error.";

    /// <summary>The cheap test the submission path makes: one stat, nothing loaded.</summary>
    public static bool IsEnabled(Layout layout) => File.Exists(layout.Control(SwitchFile));

    /// <summary>Reads the queue's control files; false with a reason when one is unreadable or malformed.</summary>
    public static bool TryLoad(Layout layout, out QueueSettings? settings, out string error)
    {
        settings = null;
        switch (ControlFile.ReadLine(layout.Control(SwitchFile), out var dirBytes, out var readError))
        {
            case ControlReadStatus.Missing:
                error = "the queue is off (no control/queue)";
                return false;
            case ControlReadStatus.Error:
                error = $"unable to read control/queue: {readError}";
                return false;
        }
        var dir = Encoding.UTF8.GetString(dirBytes).Trim();
        dir = dir.Length == 0 ? Path.Combine(layout.Home, "queue") : Path.Combine(layout.Home, dir);
        if (!TryReadNumber(layout, LifetimeFile, DefaultLifetime.TotalSeconds, 1, 10 * 365 * 86400, out var lifetime, out error)
            || !TryReadNumber(layout, ConcurrencyFile, DefaultConcurrency, 1, 256, out var concurrency, out error)
            || !TryReadNumber(layout, BackoffBaseFile, DefaultBackoffBase.TotalSeconds, 0.001, 86400, out var backoffBase, out error)
            || !TryReadNumber(layout, BackoffCapFile, DefaultBackoffCap.TotalSeconds, 0.001, 30 * 86400, out var backoffCap, out error))
            return false;
        settings = new QueueSettings(dir, TimeSpan.FromSeconds(lifetime), (int)concurrency,
            TimeSpan.FromSeconds(backoffBase), TimeSpan.FromSeconds(Math.Max(backoffBase, backoffCap)));
        return true;
    }

    private static bool TryReadNumber(Layout layout, string name, double fallback, double min, double max, out double value, out string error) =>
        ControlFile.TryReadNumber(layout, name, fallback, v => v >= min && v <= max,
            $"a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}", out value, out error);
}
