using System.CommandLine;
using MiniQmail.Cli.Classic;

namespace MiniQmail.Cli.Modern;

/// <summary><c>mini-qmail uninstall</c>: undo what the manifest says install did.</summary>
internal static class UninstallCommand
{
    public const string Name = "uninstall";

    public static Command Create()
    {
        var target = new TargetOptions();
        var purge = new Option<bool>("--purge") { Description = "Also delete the control files, and the retry queue even when it still holds messages." };
        var plan = new PlanOptions();
        var command = new Command(Name, "Remove what install created and put back every file it displaced, byte for byte. Control files stay unless --purge.");
        target.AddTo(command);
        command.Options.Add(purge);
        plan.AddTo(command);
        command.SetAction(parse =>
            InstallRunner.Uninstall("mini-qmail uninstall", target.Get(parse), parse.GetValue(purge), parse.GetValue(plan.DryRun), parse.GetValue(plan.Verbose)));
        return command;
    }
}
