using MiniQmail.Cli.Edges;
using MiniQmail.Installer.Install;

namespace MiniQmail.Cli.Classic;

/// <summary>
/// install-mini (layout.md §7): no arguments; DESTDIR prefixes every path, the home is the one
/// the programs use. Installs from the directory of the running executable.
/// </summary>
internal static class InstallMiniProgram
{
    public static int Run(string program, ProcessEnvironment env)
    {
        var target = new InstallTarget(env.GetVariable("DESTDIR") ?? "", env.Layout.Home);
        var options = new InstallOptions(target, InstallRunner.RunningBundle, target.SetsOwners, ReplaceSendmail: false, ManPage.Embedded);
        return InstallRunner.Install(program, options, dryRun: false, verbose: false);
    }
}
