using System.Text;
using MiniQmail.Control;
using MiniQmail.Installer.Doctor;
using MiniQmail.Installer.Files;
using MiniQmail.Installer.Install;
using MiniQmail.Qmqp.Codec;
using MiniQmail.Qmqp.Transport;
using MiniQmail.Queue;
using MiniQmail.Queue.Storage;
using MiniQmail.Tests.Support;
using Xunit;

namespace MiniQmail.Tests.Installer;

/// <summary>
/// install --queue GROUP into a scratch root with a group that exists (never groupadd, never
/// systemctl: both are only planned for the running system), and what uninstall, doctor and
/// qmail-showctl make of it. The queue directory's group can only be given by root: these tests
/// skip elsewhere, but fail under CI (CI set) rather than skip.
/// </summary>
public class QueueInstallTests
{
    private const string Home = InstallScratch.Home;
    private const string QueueDir = Home + "/queue";
    private const string Database = QueueDir + "/" + SqliteQueueStore.FileName;

    /// <summary>A group every test host has; the queue's group in these tests.</summary>
    private static string Group { get; } =
        new[] { "mail", "daemon", "nogroup", "root" }.First(g => Accounts.GroupId(g) is not null);

    private static int Gid => Accounts.GroupId(Group)!.Value;

    private static void RequireRoot()
    {
        if (Unix.IsRoot)
            return;
        const string why = "install --queue gives the queue directory a group: needs root";
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            throw new InvalidOperationException(why + " (CI runs these tests as root)");
        Skip.If(true, why);
    }

    private static QueueInstallOptions Queue(FlushSchedule schedule = FlushSchedule.Cron, string? group = null) =>
        new(group ?? Group, schedule, CreateGroup: false, SystemdRunning: false, Random: _ => 3);

    private static InstallPlan Plan(InstallScratch s, QueueInstallOptions? queue) =>
        InstallPlanner.Plan(s.Options() with { Queue = queue });

    private static InstallResult Install(InstallScratch s, QueueInstallOptions? queue = null)
    {
        var plan = Plan(s, queue ?? Queue());
        Assert.Null(plan.Failure);
        return PlanExecutor.Execute(plan, s.Target.SetsOwners);
    }

    private static void Enqueue(InstallScratch s, DateTimeOffset at)
    {
        using var store = SqliteQueueStore.Open(s.Real(QueueDir));
        using var source = MessageSource.FromBytes("Subject: queued\n\nbody\n"u8.ToArray());
        store.Enqueue(source, new Envelope("a@b.example"u8.ToArray(), ["c@d.example"u8.ToArray()]), 0, at);
    }

    [SkippableFact]
    public void Install_with_queue_lays_out_directory_database_switch_cron_file_and_manifest()
    {
        RequireRoot();
        using var s = new InstallScratch();
        Assert.True(Install(s).Succeeded);

        var dir = InstallScratch.Look(s.Real(QueueDir));
        Assert.Equal(EntryKind.Directory, dir.Kind);
        Assert.Equal(UnixFileMode.SetGroup | (UnixFileMode)0b111_111_000, dir.Mode);
        Assert.Equal((0, Gid), (dir.Uid, dir.Gid));

        var db = InstallScratch.Look(s.Real(Database));
        Assert.Equal(EntryKind.File, db.Kind);
        Assert.Equal((UnixFileMode)0b110_110_000, db.Mode);
        Assert.Equal((0, Gid), (db.Uid, db.Gid));
        using (var store = SqliteQueueStore.Open(s.Real(QueueDir)))
            Assert.Empty(store.List());

        var control = InstallScratch.Look(s.Real(Home + "/control/queue"));
        Assert.Equal((UnixFileMode)0b110_100_100, control.Mode);
        Assert.Equal("\n", File.ReadAllText(s.Real(Home + "/control/queue")));
        Assert.True(QueueSettings.TryLoad(new Layout(s.Real(Home)), out var settings, out _));
        Assert.Equal(s.Real(QueueDir), settings!.Directory);

        var cron = s.Real(Schedule.CronPath);
        Assert.Equal((UnixFileMode)0b110_100_100, InstallScratch.Look(cron).Mode);
        Assert.Equal(Schedule.CronD(Home, _ => 3), File.ReadAllText(cron));
        Assert.Contains($"3-59/5 * * * * root {Home}/bin/mini-qmail flush --random-delay 120\n", File.ReadAllText(cron), StringComparison.Ordinal);
        Assert.False(File.Exists(s.Real(Schedule.TimerPath)));

        // mailq lists the queue: a link to the wrapper, like the sendmail links.
        Assert.Equal(Home + "/bin/sendmail", InstallScratch.Look(s.Real(InstalledPrograms.MailqLink)).LinkTarget);

        var manifest = File.ReadAllText(s.Real(Home + "/lib/install-manifest"));
        Assert.Contains($"directory\t{QueueDir}\t\n", manifest, StringComparison.Ordinal);
        Assert.Contains($"queue\t{QueueDir}\t{Group}\n", manifest, StringComparison.Ordinal);
        Assert.Contains($"file\t{Home}/control/queue\t", manifest, StringComparison.Ordinal);
        Assert.Contains($"directory\t/etc/cron.d\t\n", manifest, StringComparison.Ordinal);
        Assert.Contains($"file\t{Schedule.CronPath}\t", manifest, StringComparison.Ordinal);
        Assert.Contains($"link\t{InstalledPrograms.MailqLink}\t{Home}/bin/sendmail\n", manifest, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_queue_there_is_no_mailq_link()
    {
        using var s = new InstallScratch();
        Assert.True(s.Install().Succeeded);
        Assert.Equal(EntryKind.Missing, InstallScratch.Look(s.Real(InstalledPrograms.MailqLink)).Kind);
    }

    [SkippableFact]
    public void Another_MTAs_mailq_link_is_moved_aside_and_uninstall_puts_it_back()
    {
        RequireRoot();
        using var s = new InstallScratch();
        Directory.CreateDirectory(s.Real("/usr/bin"));
        File.CreateSymbolicLink(s.Real(InstalledPrograms.MailqLink), "../sbin/sendmail");
        var before = s.Picture();

        var plan = Plan(s, Queue());
        Assert.Empty(plan.Warnings);
        Assert.True(PlanExecutor.Execute(plan, s.Target.SetsOwners).Succeeded);
        Assert.Equal(Home + "/bin/sendmail", InstallScratch.Look(s.Real(InstalledPrograms.MailqLink)).LinkTarget);
        Assert.Equal("../sbin/sendmail", InstallScratch.Look(s.Real(Home + "/lib/displaced" + InstalledPrograms.MailqLink)).LinkTarget);

        Assert.True(PlanExecutor.Execute(UninstallPlanner.Plan(s.Target, purge: false), s.Target.SetsOwners).Succeeded);
        Assert.Equal("../sbin/sendmail", InstallScratch.Look(s.Real(InstalledPrograms.MailqLink)).LinkTarget);
        Assert.Equal(before, s.Picture());
    }

    [SkippableFact]
    public void A_mailq_program_is_left_alone_with_a_warning_unless_sendmail_is_replaced()
    {
        RequireRoot();
        using var s = new InstallScratch();
        Directory.CreateDirectory(s.Real("/usr/bin"));
        File.WriteAllText(s.Real(InstalledPrograms.MailqLink), "another MTA's mailq");

        var plan = Plan(s, Queue());
        Assert.Equal([$"{s.Root}{InstalledPrograms.MailqLink} exists and is not a symbolic link; not replaced"], plan.Warnings);
        Assert.True(PlanExecutor.Execute(plan, s.Target.SetsOwners).Succeeded);
        Assert.Equal("another MTA's mailq", File.ReadAllText(s.Real(InstalledPrograms.MailqLink)));
        Assert.Contains(QueueLines(s), r => r.Status == CheckStatus.Warning && r.Subject == InstalledPrograms.MailqLink
            && r.Detail.StartsWith("another mailq: list the queue with sendmail -bp", StringComparison.Ordinal));

        var replacing = InstallPlanner.Plan(s.Options(replaceSendmail: true) with { Queue = Queue() });
        Assert.Empty(replacing.Warnings);
        Assert.True(PlanExecutor.Execute(replacing, s.Target.SetsOwners).Succeeded);
        Assert.Equal(Home + "/bin/sendmail", InstallScratch.Look(s.Real(InstalledPrograms.MailqLink)).LinkTarget);
        Assert.Equal("another MTA's mailq", File.ReadAllText(s.Real(Home + "/lib/displaced" + InstalledPrograms.MailqLink)));
    }

    [SkippableFact]
    public void Installing_the_queue_again_plans_nothing_and_changes_nothing_even_with_another_random_minute()
    {
        RequireRoot();
        using var s = new InstallScratch();
        Assert.True(Install(s).Succeeded);
        var before = s.Picture();

        var again = Plan(s, Queue() with { Random = _ => 4 });
        Assert.Null(again.Failure);
        Assert.Equal(["nothing to do"], again.Describe());
        Assert.True(PlanExecutor.Execute(again, s.Target.SetsOwners).Succeeded);
        Assert.Equal(before, s.Picture());
    }

    [SkippableFact]
    public void Queue_already_set_up_by_hand_is_adopted_without_touching_its_mail()
    {
        RequireRoot();
        using var s = new InstallScratch();
        Assert.True(s.Install().Succeeded);
        Directory.CreateDirectory(s.Real(QueueDir));
        Enqueue(s, DateTimeOffset.UtcNow);

        Assert.True(Install(s).Succeeded);
        var dir = InstallScratch.Look(s.Real(QueueDir));
        Assert.Equal((UnixFileMode.SetGroup | (UnixFileMode)0b111_111_000, Gid), (dir.Mode, dir.Gid));
        using var store = SqliteQueueStore.Open(s.Real(QueueDir));
        Assert.Single(store.List());
    }

    [Fact]
    public void Dry_run_lists_the_queue_actions_and_touches_nothing()
    {
        var root = Directory.CreateTempSubdirectory("mini-qmail-dry.").FullName;
        try
        {
            var result = ProgramRunner.Run(Programs.Executable, ["install", "--root", root, "--home", Home, "--queue", Group, "--dry-run"]);
            Assert.Equal(0, result.ExitCode);
            Assert.Contains($"mkdir {root}{QueueDir} (02770, group {Group})\n", result.StdoutText, StringComparison.Ordinal);
            Assert.Contains($"initialize {root}{Database} (0660, group {Group})\n", result.StdoutText, StringComparison.Ordinal);
            Assert.Contains($"write {root}{Home}/control/queue (0644)\n", result.StdoutText, StringComparison.Ordinal);
            Assert.Contains($"mkdir {root}/etc/cron.d\n", result.StdoutText, StringComparison.Ordinal);
            Assert.Contains($"write {root}{Schedule.CronPath} (0644)\n", result.StdoutText, StringComparison.Ordinal);
            Assert.DoesNotContain("groupadd", result.StdoutText, StringComparison.Ordinal);
            Assert.DoesNotContain("systemctl", result.StdoutText, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFileSystemEntries(root));

            var systemd = ProgramRunner.Run(Programs.Executable, ["install", "--root", root, "--home", Home, "--queue", Group, "--schedule", "systemd", "--dry-run"]);
            Assert.Equal(0, systemd.ExitCode);
            Assert.Contains($"write {root}{Schedule.ServicePath} (0644)\n", systemd.StdoutText, StringComparison.Ordinal);
            Assert.Contains($"write {root}{Schedule.TimerPath} (0644)\n", systemd.StdoutText, StringComparison.Ordinal);
            Assert.DoesNotContain("cron.d", systemd.StdoutText, StringComparison.Ordinal);
            Assert.DoesNotContain("systemctl", systemd.StdoutText, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFileSystemEntries(root));

            var alone = ProgramRunner.Run(Programs.Executable, ["install", "--root", root, "--home", Home, "--schedule", "systemd", "--dry-run"]);
            Assert.NotEqual(0, alone.ExitCode);
            Assert.Contains("--schedule needs --queue GROUP", alone.StderrText, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_missing_group_under_a_root_prefix_fails_without_running_groupadd()
    {
        using var s = new InstallScratch();
        var plan = Plan(s, Queue(group: "mqtest-no-such-group"));
        Assert.NotNull(plan.Failure);
        Assert.Contains("no group mqtest-no-such-group", plan.Failure!.Reason, StringComparison.Ordinal);
        Assert.Empty(plan.Actions);

        // Allowed (the running system): groupadd comes first, the rest follows with the name.
        var allowed = Plan(s, Queue(group: "mqtest-no-such-group") with { CreateGroup = true });
        Assert.Null(allowed.Failure);
        var lines = allowed.Describe().ToList();
        var groupadd = lines.IndexOf("groupadd --system mqtest-no-such-group");
        Assert.True(groupadd >= 0);
        Assert.True(groupadd < lines.FindIndex(l => l.StartsWith($"mkdir {s.Root}{QueueDir}", StringComparison.Ordinal)));
    }

    [Fact]
    public void On_a_running_systemd_system_the_plan_reloads_systemd_and_enables_the_timer_after_writing_it()
    {
        // Only planned, never carried out: the target is the running system (no root prefix),
        // with a home of its own that does not exist.
        using var s = new InstallScratch();
        var target = new InstallTarget("", Path.Combine(s.Dir, "home"));
        var options = new InstallOptions(target, s.Bundle, SetOwners: false, ReplaceSendmail: false, [],
            Queue(FlushSchedule.Systemd) with { SystemdRunning = true });
        var lines = InstallPlanner.Plan(options).Describe().ToList();
        var timer = lines.IndexOf($"write {Schedule.TimerPath} (0644)");
        Assert.True(timer >= 0, string.Join('\n', lines));
        Assert.Equal(["systemctl daemon-reload", "systemctl enable --now mini-qmail-flush.timer"], lines.Skip(timer + 1).Take(2));

        // Not when systemd is not running, and never under a root prefix.
        Assert.DoesNotContain(InstallPlanner.Plan(options with { Queue = Queue(FlushSchedule.Systemd) }).Describe(), l => l.StartsWith("systemctl", StringComparison.Ordinal));
        Assert.DoesNotContain(Plan(s, Queue(FlushSchedule.Systemd) with { SystemdRunning = true }).Describe(), l => l.StartsWith("systemctl", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void Systemd_schedule_writes_service_and_timer_and_switching_back_to_cron_removes_them()
    {
        RequireRoot();
        using var s = new InstallScratch();
        Assert.True(Install(s, Queue(FlushSchedule.Systemd)).Succeeded);
        Assert.Equal(Schedule.Service(Home), File.ReadAllText(s.Real(Schedule.ServicePath)));
        Assert.Equal(Schedule.Timer(), File.ReadAllText(s.Real(Schedule.TimerPath)));
        Assert.Equal((UnixFileMode)0b110_100_100, InstallScratch.Look(s.Real(Schedule.TimerPath)).Mode);
        Assert.False(File.Exists(s.Real(Schedule.CronPath)));
        Assert.Equal(["nothing to do"], Plan(s, Queue(FlushSchedule.Systemd)).Describe());

        Assert.True(Install(s, Queue(FlushSchedule.Cron)).Succeeded);
        Assert.True(File.Exists(s.Real(Schedule.CronPath)));
        Assert.False(File.Exists(s.Real(Schedule.TimerPath)));
        Assert.False(File.Exists(s.Real(Schedule.ServicePath)));
    }

    [SkippableFact]
    public void Uninstall_removes_schedule_switch_and_an_empty_queue()
    {
        RequireRoot();
        using var s = new InstallScratch();
        var before = s.Picture();
        Assert.True(Install(s).Succeeded);

        var plan = UninstallPlanner.Plan(s.Target, purge: false);
        Assert.Empty(plan.Warnings);
        Assert.True(PlanExecutor.Execute(plan, s.Target.SetsOwners).Succeeded);
        Assert.False(File.Exists(s.Real(Schedule.CronPath)));
        Assert.False(File.Exists(s.Real(Home + "/control/queue")));
        Assert.False(Directory.Exists(s.Real(QueueDir)));
        Assert.Equal(before, s.Picture());
    }

    [SkippableFact]
    public void Uninstall_keeps_a_queue_holding_mail_with_a_warning_and_purge_deletes_it_saying_so()
    {
        RequireRoot();
        using var s = new InstallScratch();
        Assert.True(Install(s).Succeeded);
        Enqueue(s, DateTimeOffset.UtcNow);

        var plan = UninstallPlanner.Plan(s.Target, purge: false);
        Assert.Equal([$"{s.Root}{QueueDir} holds 1 queued message(s); left in place (mini-qmail flush delivers them; uninstall --purge deletes them)"], plan.Warnings);
        Assert.True(PlanExecutor.Execute(plan, s.Target.SetsOwners).Succeeded);
        Assert.False(File.Exists(s.Real(Schedule.CronPath)));
        Assert.False(File.Exists(s.Real(Home + "/control/queue")));
        Assert.True(File.Exists(s.Real(Database)));
        using (var store = SqliteQueueStore.Open(s.Real(QueueDir)))
            Assert.Single(store.List());

        // The manifest is gone; --purge still finds the queue left behind, and says what it deletes.
        Assert.True(s.Install().Succeeded);
        var purge = UninstallPlanner.Plan(s.Target, purge: true);
        Assert.Contains($"{s.Root}{QueueDir} holds 1 queued message(s); deleted (--purge)", purge.Warnings);
        Assert.True(PlanExecutor.Execute(purge, s.Target.SetsOwners).Succeeded);
        Assert.False(Directory.Exists(s.Real(Home)));
    }

    [SkippableFact]
    public void Uninstall_command_prints_the_warning_for_a_queue_holding_mail()
    {
        RequireRoot();
        using var s = new InstallScratch();
        Assert.True(Install(s).Succeeded);
        Enqueue(s, DateTimeOffset.UtcNow);
        var result = ProgramRunner.Run(Programs.Executable, ["uninstall", "--root", s.Root, "--home", Home]);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"mini-qmail uninstall: warning: {s.Root}{QueueDir} holds 1 queued message(s); left in place (mini-qmail flush delivers them; uninstall --purge deletes them)\n", result.StderrText);
        Assert.True(File.Exists(s.Real(Database)));
    }

    private static List<CheckResult> QueueLines(InstallScratch s, DateTimeOffset? now = null) =>
        new QueueCheck(now is { } at ? new FixedTime(at) : null).Run(new DoctorContext(s.Target)).ToList();

    [SkippableFact]
    public void Doctor_reports_a_configured_queue_line_by_line()
    {
        RequireRoot();
        using var s = new InstallScratch();
        Assert.True(Install(s).Succeeded);

        var lines = QueueLines(s).Select(r => r.ToString()).ToList();
        Assert.Equal(
        [
            $"ok: control/queue: retry queue on, directory {QueueDir}; lifetime 604800 s, concurrency 4, backoff 60 s to 7200 s",
            $"ok: {QueueDir}: owner root, group {Group}, mode 02770: root and members of {Group} queue",
            $"ok: {Database}: opens, mode 0660",
            "ok: queued: no messages",
            $"ok: flush schedule: {Schedule.CronPath} (every 5 minutes)",
            $"ok: {InstalledPrograms.MailqLink}: -> {Home}/bin/sendmail",
        ], lines);
        Assert.Contains(Doctor.DefaultChecks, c => c is QueueCheck);
    }

    [SkippableFact]
    public void Doctor_warns_of_old_mail_and_a_missing_schedule_and_fails_a_queue_others_can_read_or_without_database()
    {
        RequireRoot();
        using var s = new InstallScratch();
        Assert.True(Install(s).Succeeded);
        var now = DateTimeOffset.UtcNow;
        Enqueue(s, now - TimeSpan.FromHours(3));
        Enqueue(s, now - TimeSpan.FromMinutes(5));
        File.Delete(s.Real(Schedule.CronPath));

        var lines = QueueLines(s, now);
        Assert.Contains(lines, r => r.Status == CheckStatus.Warning && r.Subject == "queued"
            && r.Detail.StartsWith("2 message(s); oldest 3h old (id 1): the servers have not taken it for over 1h", StringComparison.Ordinal));
        Assert.Contains(lines, r => r.Status == CheckStatus.Warning && r.Subject == "flush schedule" && r.Detail.StartsWith("none:", StringComparison.Ordinal));

        File.SetUnixFileMode(s.Real(QueueDir), (UnixFileMode)0b111_101_101);
        File.Delete(s.Real(Database));
        lines = QueueLines(s, now);
        Assert.Contains(lines, r => r.Status == CheckStatus.Failed && r.Subject == QueueDir && r.Detail.EndsWith("other users can read queued mail (expected 2770)", StringComparison.Ordinal));
        Assert.Contains(lines, r => r.Status == CheckStatus.Failed && r.Subject == Database && r.Detail.StartsWith("missing", StringComparison.Ordinal));
        Assert.False(File.Exists(s.Real(Database))); // the doctor does not create it

        File.WriteAllText(s.Real(Home + "/control/queueconcurrency"), "many\n");
        Assert.Equal(CheckStatus.Failed, Assert.Single(QueueLines(s)).Status);
    }

    [Fact]
    public void Doctor_says_nothing_about_the_queue_when_it_is_off()
    {
        using var s = new InstallScratch();
        Assert.True(s.Install().Succeeded);
        Assert.Empty(QueueLines(s));
    }

    [Fact]
    public void Showctl_describes_the_queue_files_and_prints_nothing_for_them_when_absent()
    {
        using var home = new ScratchHome().WriteControl("me", "client1.example.com\n");
        string Render() => Encoding.ASCII.GetString(MiniQmail.Installer.ShowCtl.ShowCtl.Render(new Layout(home.Home), _ => null, _ => null).Output);

        var off = Render();
        Assert.DoesNotContain("\nqueue:", off, StringComparison.Ordinal);
        Assert.DoesNotContain("Retry queue", off, StringComparison.Ordinal);

        home.WriteControl("queue", "\n");
        Assert.Contains($"\nqmqpservers: (Default.) No QMQP servers.\n\nqueue: (Default.) Retry queue is on; queued mail is kept in {home.Home}/queue.\n\nqueuelifetime: ", Render(), StringComparison.Ordinal);

        home.WriteControl("queue", "spool\n")
            .WriteControl("queueconcurrency", "8\n")
            .WriteControl("queuebackoff", "0.5\n")
            .WriteControl("queuebackoffmax", "3600\n");
        var on = Render();
        Assert.Contains(
            $"\nqueue: Retry queue is on; queued mail is kept in {home.Home}/spool.\n" +
            "\nqueuebackoff: Retry queue first backoff is 0.5 seconds.\n" +
            "\nqueuebackoffmax: Retry queue longest backoff is 3600 seconds.\n" +
            "\nqueueconcurrency: Retry queue concurrency is 8.\n" +
            "\nqueuelifetime: (Default.) Message lifetime in the queue is 604800 seconds.\n", on, StringComparison.Ordinal);
        Assert.DoesNotContain("I have no idea", on, StringComparison.Ordinal);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
