using System.Globalization;

namespace MiniQmail.Queue;

/// <summary>
/// The texts install lays out to run flush every few minutes. Each host gets its own minute
/// offset (chosen at install time) and a random delay at run time, so that a thousand hosts
/// sharing one smart host do not all flush in the same second.
/// </summary>
public static class Schedule
{
    /// <summary>Minutes between flush runs.</summary>
    public const int IntervalMinutes = 5;

    /// <summary>Longest random delay, in seconds, a scheduled flush waits before it starts (only when there is work).</summary>
    public const int RandomDelaySeconds = 120;

    public const string CronPath = "/etc/cron.d/mini-qmail";
    public const string ServicePath = "/etc/systemd/system/mini-qmail-flush.service";
    public const string TimerPath = "/etc/systemd/system/mini-qmail-flush.timer";

    /// <summary>The cron.d file (mode 0644, owner root); <paramref name="random"/> picks the minute offset.</summary>
    public static string CronD(string home, Func<int, int> random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var offset = random(IntervalMinutes);
        return $"""
            # mini-qmail retry queue: deliver queued mail every {IntervalMinutes} minutes.
            # The minute offset was chosen at random at install time; flush adds up to {RandomDelaySeconds} s more
            # when there is work, and exits at once, printing nothing, when there is none.
            SHELL=/bin/sh
            PATH=/usr/sbin:/usr/bin:/sbin:/bin
            {offset.ToString(CultureInfo.InvariantCulture)}-59/{IntervalMinutes} * * * * root {home}/bin/mini-qmail flush --random-delay {RandomDelaySeconds}

            """;
    }

    /// <summary>The systemd service the timer starts.</summary>
    public static string Service(string home) => $"""
        [Unit]
        Description=mini-qmail: deliver the retry queue
        After=network-online.target
        Wants=network-online.target
        ConditionPathExists={home}/control/queue

        [Service]
        Type=oneshot
        ExecStart={home}/bin/mini-qmail flush
        Nice=5

        """;

    /// <summary>The systemd timer (enable with systemctl enable --now mini-qmail-flush.timer).</summary>
    public static string Timer() => $"""
        [Unit]
        Description=mini-qmail: deliver the retry queue every {IntervalMinutes} minutes

        [Timer]
        OnBootSec=1min
        OnUnitActiveSec={IntervalMinutes}min
        RandomizedDelaySec={RandomDelaySeconds}
        Persistent=true

        [Install]
        WantedBy=timers.target

        """;
}
