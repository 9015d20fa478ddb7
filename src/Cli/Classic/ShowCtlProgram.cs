using MiniQmail.Cli.Edges;
using MiniQmail.Installer.Files;

namespace MiniQmail.Cli.Classic;

/// <summary>qmail-showctl (tools.md): the report on standard output; arguments are ignored.</summary>
internal static class ShowCtlProgram
{
    public static int Run(ProcessEnvironment env)
    {
        var report = Installer.ShowCtl.ShowCtl.Render(env.Layout, Accounts.UserId, Accounts.GroupId);
        try
        {
            using var stdout = Console.OpenStandardOutput();
            stdout.Write(report.Output);
        }
        catch (IOException)
        {
            return 111;
        }
        return report.ExitCode;
    }
}
