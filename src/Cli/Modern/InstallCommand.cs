using System.CommandLine;
using MiniQmail.Cli.Classic;
using MiniQmail.Installer.Install;

namespace MiniQmail.Cli.Modern;

/// <summary><c>mini-qmail install</c>: install-mini with options, a dry run and a backup of a real sendmail.</summary>
internal static class InstallCommand
{
    public const string Name = "install";

    public static Command Create()
    {
        var target = new TargetOptions();
        var from = new Option<string?>("--from") { Description = "The bundle directory to install from (default: the directory of this executable)." };
        var plan = new PlanOptions();
        var replace = new Option<bool>("--replace-sendmail") { Description = "Move an existing /usr/sbin/sendmail or /usr/lib/sendmail that is not a link aside (uninstall puts it back)." };
        var queue = new Option<string?>("--queue") { Description = "Also set up the retry queue for this group: the group (groupadd --system, only without --root), <home>/queue root:GROUP 2770, its database, control/queue and a flush schedule.", HelpName = "GROUP" };
        var schedule = new Option<string>("--schedule") { Description = "How the queue's flush is started every 5 minutes: a cron.d file or a systemd timer (with --queue).", DefaultValueFactory = _ => "cron" };
        schedule.AcceptOnlyFromAmong("cron", "systemd");
        var command = new Command(Name, "Install the programs, the sendmail links and the man pages under the home. Re-running changes nothing; every change is recorded for uninstall.");
        target.AddTo(command);
        command.Options.Add(from);
        command.Options.Add(replace);
        command.Options.Add(queue);
        command.Options.Add(schedule);
        plan.AddTo(command);
        command.Validators.Add(result =>
        {
            if (result.GetResult(schedule) is { Implicit: false } && result.GetValue(queue) is not { Length: > 0 })
                result.AddError("--schedule needs --queue GROUP");
        });
        command.SetAction(parse =>
        {
            var where = target.Get(parse);
            var running = where.Root.Length == 0;
            var queueOptions = parse.GetValue(queue) is { Length: > 0 } group
                ? new QueueInstallOptions(group, parse.GetValue(schedule) == "systemd" ? FlushSchedule.Systemd : FlushSchedule.Cron, CreateGroup: running, SystemdRunning: running && InstallRunner.SystemdRunning, Random.Shared.Next)
                : null;
            var options = new InstallOptions(where, Path.GetFullPath(parse.GetValue(from) ?? InstallRunner.RunningBundle), where.SetsOwners, parse.GetValue(replace), ManPage.Embedded, queueOptions);
            return InstallRunner.Install("mini-qmail install", options, parse.GetValue(plan.DryRun), parse.GetValue(plan.Verbose));
        });
        return command;
    }
}
