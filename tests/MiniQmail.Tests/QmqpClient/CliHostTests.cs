using System.Diagnostics;
using MiniQmail.Tests.Support;
using Xunit;

namespace MiniQmail.Tests.QmqpClient;

/// <summary>The one executable: classic names on a lean path, subcommands under its own name.</summary>
public class CliHostTests
{
    [Fact]
    public void Under_its_own_name_it_lists_the_subcommands()
    {
        var result = ProgramRunner.Run(Programs.Executable, ["--help"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("qmqpc", result.StdoutText, StringComparison.Ordinal);
        Assert.Contains("sink", result.StdoutText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_qmqpc_subcommand_is_qmail_qmqpc()
    {
        using var home = new ScratchHome();
        await using var server = new ScriptedQmqpServer(ServerScript.Accept);
        home.Servers(server.Entry);
        var result = ProgramRunner.Run(Programs.Executable, ["qmqpc"], "x\n"u8.ToArray(), home.Environment(), "Fa@b\0Tc@d\0\0"u8.ToArray());
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("17:2:x\n,3:a@b,3:c@d,,", System.Text.Encoding.ASCII.GetString(server.Requests.Single()));
        var help = ProgramRunner.Run(Programs.Executable, ["qmqpc", "--help"]);
        Assert.Contains("fd 0", help.StdoutText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_classic_name_does_not_load_System_CommandLine()
    {
        // The process is held in its reply wait by a silent server, long enough to look at the
        // assemblies it has mapped; `mini-qmail sink` is the control that the look can see them.
        using var home = new ScratchHome();
        await using var silent = new ScriptedQmqpServer(ServerScript.Silence);
        home.Servers(silent.Entry).WriteControl("timeoutqmqp", "5\n");
        var classic = MappedAssemblies(home.Bin("qmail-qmqpc"), [], home, until: () => silent.Connections > 0);
        Assert.Contains("MiniQmail.QmqpClient.dll", classic);
        Assert.DoesNotContain("System.CommandLine.dll", classic);

        var modern = MappedAssemblies(Programs.Executable, ["sink", "--listen", "127.0.0.1:0"], home, until: null);
        Assert.Contains("System.CommandLine.dll", modern);
    }

    private static HashSet<string> MappedAssemblies(string path, string[] args, ScratchHome home, Func<bool>? until)
    {
        var envelope = Path.Combine(home.Root, "envelope");
        File.WriteAllBytes(envelope, "Fa@b\0Tc@d\0\0"u8.ToArray());
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        // The classic program reads its envelope from descriptor 1; the subcommand writes there.
        var redirections = until is null ? "" : " </dev/null 1<\"$MINIQMAIL_TEST_FD1\"";
        foreach (var a in (string[])["-c", "exec \"$0\" \"$@\"" + redirections, path, .. args])
            info.ArgumentList.Add(a);
        info.Environment["MINIQMAIL_HOME"] = home.Home;
        info.Environment["MINIQMAIL_TEST_FD1"] = envelope;
        info.Environment["TMPDIR"] = home.Root; // the killed process's diagnostics socket goes with the home
        using var process = Process.Start(info)!;
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            HashSet<string> seen = [];
            while (DateTime.UtcNow < deadline && !process.HasExited)
            {
                if (until is null ? seen.Contains("System.CommandLine.dll") : until())
                    break;
                seen = ReadMaps(process.Id);
                Thread.Sleep(50);
            }
            return ReadMaps(process.Id);
        }
        finally
        {
            process.Kill();
            process.WaitForExit(5000);
        }
    }

    private static HashSet<string> ReadMaps(int pid)
    {
        try
        {
            return File.ReadAllLines($"/proc/{pid}/maps")
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
                .Where(p => p.EndsWith(".dll", StringComparison.Ordinal))
                .Select(Path.GetFileName)
                .ToHashSet()!;
        }
        catch (IOException)
        {
            return [];
        }
    }
}
