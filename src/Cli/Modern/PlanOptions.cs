using System.CommandLine;

namespace MiniQmail.Cli.Modern;

/// <summary>--dry-run and --verbose, shared by the commands that carry out a plan.</summary>
internal sealed class PlanOptions
{
    public Option<bool> DryRun { get; } = new("--dry-run") { Description = "Print what would be done and change nothing." };

    public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Print each action." };

    public void AddTo(Command command)
    {
        command.Options.Add(DryRun);
        command.Options.Add(Verbose);
    }
}
