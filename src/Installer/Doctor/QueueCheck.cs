using System.Globalization;
using MiniQmail.Installer.Files;
using MiniQmail.Installer.Install;
using MiniQmail.Queue;
using MiniQmail.Queue.Storage;

namespace MiniQmail.Installer.Doctor;

/// <summary>
/// The retry queue, when control/queue turns it on: the settings read, the directory is
/// root:GROUP 2770, the database opens, how much is queued and for how long, and a flush
/// schedule exists. Nothing is printed when the queue is off.
/// </summary>
public sealed class QueueCheck : IDoctorCheck
{
    /// <summary>A message queued longer than this is a warning: the servers have refused it for a while.</summary>
    public static readonly TimeSpan OldAge = TimeSpan.FromHours(1);

    private readonly TimeProvider _time;

    public QueueCheck(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    public IEnumerable<CheckResult> Run(DoctorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var layout = context.Layout;
        if (!QueueSettings.IsEnabled(layout))
            yield break;
        const string subject = "control/" + QueueSettings.SwitchFile;
        if (!QueueSettings.TryLoad(layout, out var settings, out var error))
        {
            yield return new(CheckStatus.Failed, subject, error + " (mail no server accepts is not queued)");
            yield break;
        }
        var dir = Shown(context, settings!.Directory);
        yield return new(CheckStatus.Ok, subject, string.Create(CultureInfo.InvariantCulture,
            $"retry queue on, directory {dir}; lifetime {settings.Lifetime.TotalSeconds:0} s, concurrency {settings.Concurrency}, backoff {settings.BackoffBase.TotalSeconds:0.###} s to {settings.BackoffCap.TotalSeconds:0.###} s"));

        foreach (var line in Directory(context, settings.Directory, dir))
            yield return line;
        foreach (var line in Database(settings.Directory, dir))
            yield return line;
        yield return ScheduleLine(context);
        yield return MailqLine(context);
    }

    private static IEnumerable<CheckResult> Directory(DoctorContext context, string real, string dir)
    {
        var now = FileSnapshot.Take(real);
        if (now.Kind != EntryKind.Directory)
        {
            yield return new(CheckStatus.Failed, dir, now.Exists ? "not a directory" : "missing: nothing can be queued (mini-qmail install --queue GROUP)");
            yield break;
        }
        var group = Unix.GroupName(now.Gid) ?? now.Gid.ToString(CultureInfo.InvariantCulture);
        var owner = Unix.UserName(now.Uid) ?? now.Uid.ToString(CultureInfo.InvariantCulture);
        var what = $"owner {owner}, group {group}, mode {Modes.Octal(now.Mode)}";
        if ((now.Mode & UnixFileMode.OtherRead) != 0 || (now.Mode & UnixFileMode.OtherExecute) != 0)
            yield return new(CheckStatus.Failed, dir, what + ": other users can read queued mail (expected 2770)");
        else if (now.Mode != Modes.QueueDirectory || (context.Target.SetsOwners && now.Uid != 0))
            yield return new(CheckStatus.Warning, dir, what + " (expected root, mode 2770)");
        else
            yield return new(CheckStatus.Ok, dir, what + $": root and members of {group} queue");
    }

    private IEnumerable<CheckResult> Database(string real, string dir)
    {
        var path = SqliteQueueStore.DatabasePath(real);
        var subject = dir + "/" + SqliteQueueStore.FileName;
        switch (FileSnapshot.Take(path).Kind)
        {
            case EntryKind.Missing:
                // Opening would create it, as the doctor's user: say so instead.
                yield return new(CheckStatus.Failed, subject, "missing (mini-qmail install --queue GROUP creates it)");
                yield break;
            case EntryKind.Other when !Unix.IsRoot:
                yield return new(CheckStatus.Failed, subject, "cannot be looked at: run the doctor as root or as a member of the queue's group");
                yield break;
            case EntryKind.Directory or EntryKind.Link or EntryKind.Other:
                yield return new(CheckStatus.Failed, subject, "not a regular file");
                yield break;
        }
        IReadOnlyList<QueueEntry> entries;
        string? failure = null;
        try
        {
            using var store = SqliteQueueStore.Open(real);
            entries = store.List();
        }
        catch (QueueStoreException e)
        {
            entries = [];
            failure = e.Message;
        }
        if (failure is not null)
        {
            yield return new(CheckStatus.Failed, subject, $"does not open: {failure}");
            yield break;
        }
        var mode = FileSnapshot.Take(path).Mode;
        yield return new(mode == Modes.QueueDatabase ? CheckStatus.Ok : CheckStatus.Warning, subject,
            $"opens, mode {Modes.Octal(mode)}{(mode == Modes.QueueDatabase ? "" : " (expected 0660)")}");

        const string queued = "queued";
        if (entries.Count == 0)
        {
            yield return new(CheckStatus.Ok, queued, "no messages");
            yield break;
        }
        var oldest = entries.MinBy(e => e.Created)!;
        var age = _time.GetUtcNow() - oldest.Created;
        var held = entries.Count(e => e.Held);
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{entries.Count} message(s){(held > 0 ? $" ({held} held)" : "")}; oldest {Age(age)} old (id {oldest.Id})");
        yield return age > OldAge
            ? new(CheckStatus.Warning, queued, $"{text}: the servers have not taken it for over {Age(OldAge)} (mini-qmail queue list)")
            : new(CheckStatus.Ok, queued, text);
    }

    /// <summary>Whether typing mailq lists this queue (sendmail -bp and mini-qmail queue list always do).</summary>
    private static CheckResult MailqLine(DoctorContext context) =>
        ProgramsCheck.WrapperLink(context.Target, InstalledPrograms.MailqLink,
            missing: "missing: list the queue with sendmail -bp (mini-qmail install --queue makes the link)",
            elsewhere: "not mini-qmail's sendmail: list the queue with sendmail -bp",
            another: "another mailq: list the queue with sendmail -bp (install --queue --replace-sendmail replaces it)");

    private static CheckResult ScheduleLine(DoctorContext context)
    {
        var target = context.Target;
        if (FileSnapshot.Take(target.Real(Schedule.CronPath)).Kind == EntryKind.File)
            return new(CheckStatus.Ok, "flush schedule", $"{Schedule.CronPath} (every {Schedule.IntervalMinutes} minutes)");
        if (FileSnapshot.Take(target.Real(Schedule.TimerPath)).Kind == EntryKind.File)
        {
            // systemctl enable links the timer into timers.target.wants; only the running system's counts.
            if (target.Root.Length > 0)
                return new(CheckStatus.Ok, "flush schedule", $"{Schedule.TimerPath} (every {Schedule.IntervalMinutes} minutes, once enabled)");
            return FileSnapshot.Take(EnabledTimerLink).Kind == EntryKind.Link
                ? new(CheckStatus.Ok, "flush schedule", $"{Schedule.TimerPath}, enabled (every {Schedule.IntervalMinutes} minutes)")
                : new(CheckStatus.Warning, "flush schedule", $"{Schedule.TimerPath} is not enabled: systemctl enable --now {InstallPlanner.TimerUnit}");
        }
        return new(CheckStatus.Warning, "flush schedule",
            $"none: neither {Schedule.CronPath} nor {Schedule.TimerPath}; queued mail waits until someone runs mini-qmail flush");
    }

    /// <summary>The link systemctl enable makes for the flush timer.</summary>
    public const string EnabledTimerLink = "/etc/systemd/system/timers.target.wants/" + InstallPlanner.TimerUnit;

    /// <summary>The path as the installed system sees it (without the root prefix).</summary>
    private static string Shown(DoctorContext context, string real) =>
        context.Target.Root.Length > 0 && real.StartsWith(context.Target.Root + "/", StringComparison.Ordinal) ? real[context.Target.Root.Length..] : real;

    private static string Age(TimeSpan age) => age switch
    {
        { TotalDays: >= 2 } => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalDays}d"),
        { TotalHours: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours}h"),
        { TotalMinutes: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalMinutes}m"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, (int)age.TotalSeconds)}s"),
    };
}
