using MiniQmail.Cli.Edges;
using MiniQmail.Installer.Install;

namespace MiniQmail.Cli.Classic;

/// <summary>
/// The edge of install and uninstall: makes the plan, prints it (--dry-run) or carries it out,
/// and maps the outcome to exit codes: 0 done, 111 any failure (layout.md §7).
/// </summary>
internal static class InstallRunner
{
    public const int Failure = 111;

    /// <summary>The directory of the running executable: the bundle to install from by default.</summary>
    public static string RunningBundle => AppContext.BaseDirectory;

    public static int Install(string program, InstallOptions options, bool dryRun, bool verbose) =>
        Run(program, InstallPlanner.Plan(options), options.Target.SetsOwners, dryRun, verbose);

    public static int Uninstall(string program, InstallTarget target, bool purge, bool dryRun, bool verbose) =>
        Run(program, UninstallPlanner.Plan(target, purge, target.Root.Length == 0 && SystemdRunning), target.SetsOwners, dryRun, verbose);

    /// <summary>Whether systemd manages this system (sd_booted(3)'s test).</summary>
    public static bool SystemdRunning => Directory.Exists("/run/systemd/system");

    private static int Run(string program, InstallPlan plan, bool setOwners, bool dryRun, bool verbose)
    {
        foreach (var warning in plan.Warnings)
            Stdio.Warning(program, warning);
        if (plan.Failure is { } planFailure)
        {
            Stdio.Fatal(program, planFailure.ToString());
            return Failure;
        }
        if (dryRun || verbose)
        {
            foreach (var line in plan.Describe())
                Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
        if (dryRun)
            return 0;
        // Uninstall may delete the very files this process runs from; whatever a failure
        // message needs must be loaded before that.
        Console.Error.Flush();
        var result = PlanExecutor.Execute(plan, setOwners);
        if (result.Failure is { } failure)
        {
            Stdio.Fatal(program, failure.ToString());
            return Failure;
        }
        return 0;
    }
}
