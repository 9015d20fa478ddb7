using System.Text;
using MiniQmail.Control;
using MiniQmail.Installer.Files;
using MiniQmail.Tests.Support;
using Xunit;

namespace MiniQmail.Tests.Installer;

public class ConfigMiniTests
{
    private static ProgramResult ConfigMini(ScratchHome home, params string[] args) =>
        ProgramRunner.Run(home.Bin("config-mini"), args, env: home.Environment(), timeout: TimeSpan.FromSeconds(30));

    private static Dictionary<string, string> ControlFiles(ScratchHome home) =>
        Directory.GetFiles(Path.Combine(home.Home, "control")).ToDictionary(f => Path.GetFileName(f), f => File.ReadAllText(f));

    [Fact]
    public void The_example_of_the_spec_prints_its_lines_and_writes_the_five_files()
    {
        using var home = new ScratchHome();
        var result = ConfigMini(home, "mail.example.com", "example.com", "example.com", "client7.example.com", "10.0.0.5", "10.0.0.6");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            "Putting mail.example.com into control/me...\n" +
            "Putting example.com into control/defaultdomain...\n" +
            "Putting example.com into control/plusdomain...\n" +
            "Putting client7.example.com into control/idhost...\n" +
            "Putting 10.0.0.5 into control/qmqpservers...\n" +
            "Putting 10.0.0.6 into control/qmqpservers...\n", result.StdoutText);
        Assert.Equal("", result.StderrText);
        Assert.Equal(new Dictionary<string, string>
        {
            ["me"] = "mail.example.com\n",
            ["defaultdomain"] = "example.com\n",
            ["plusdomain"] = "example.com\n",
            ["idhost"] = "client7.example.com\n",
            ["qmqpservers"] = "10.0.0.5\n10.0.0.6\n",
        }, ControlFiles(home));
        foreach (var file in Directory.GetFiles(Path.Combine(home.Home, "control")))
            Assert.Equal(AtomicFile.ControlFileMode, File.GetUnixFileMode(file));
    }

    [Fact]
    public void IPv6_and_host_port_servers_are_written_as_given_and_read_back_by_the_client()
    {
        using var home = new ScratchHome();
        var result = ConfigMini(home, "a.example", "example", "example", "id.example", "::1", "[::1]:6280", "localhost:2628", "127.0.0.1");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("::1\n[::1]:6280\nlocalhost:2628\n127.0.0.1\n", File.ReadAllText(home.Control("qmqpservers")));
        Assert.True(QmqpConfig.TryParseServers(File.ReadAllBytes(home.Control("qmqpservers")), out var servers, out _));
        Assert.Equal(["[::1]:628", "[::1]:6280", "localhost:2628", "127.0.0.1:628"], servers.Select(s => s.ToString()));
    }

    [Fact]
    public void Fewer_than_five_arguments_print_the_usage_and_write_nothing()
    {
        using var home = new ScratchHome();
        var result = ConfigMini(home, "a.example", "b.example", "c.example", "d.example");
        Assert.Equal(100, result.ExitCode);
        Assert.Equal("config-mini: usage: config-mini me defaultdom plusdom idhost qmqpserver ...\n", result.StderrText);
        Assert.Equal("", result.StdoutText);
        Assert.Empty(ControlFiles(home));
    }

    [Theory]
    [InlineData("bad host", "b.example", "c.example", "d.example", "10.0.0.5", "me: 'bad host' is not a host name")]
    [InlineData("a.example", "b..example", "c.example", "d.example", "10.0.0.5", "defaultdomain: 'b..example' is not a host name")]
    [InlineData("a.example", "b.example", "", "d.example", "10.0.0.5", "plusdomain: '' is not a host name")]
    [InlineData("a.example", "b.example", "c.example", "-d", "10.0.0.5", "idhost: '-d' is not a host name")]
    [InlineData("a.example", "b.example", "c.example", "d.example", "10.0.0.256", "qmqpserver: '10.0.0.256' is not a server address")]
    [InlineData("a.example", "b.example", "c.example", "d.example", "10.0.0.5:99999", "qmqpserver: '10.0.0.5:99999' is not a server address")]
    [InlineData("a.example", "b.example", "c.example", "d.example", "10.0.0.5 # backup", "qmqpserver: '10.0.0.5 # backup' is not a server address")]
    [InlineData("a.example", "b.example", "c.example", "d.example", "[::1", "qmqpserver: '[::1' is not a server address")]
    [InlineData("a.example", "b.example", "c.example", "d.example", "", "qmqpserver: '' is not a server address")]
    public void A_bad_argument_is_refused_before_anything_is_written(string me, string dd, string pd, string id, string server, string message)
    {
        using var home = new ScratchHome();
        home.WriteControl("me", "old.example\n").Servers("10.9.9.9");
        var result = ConfigMini(home, me, dd, pd, id, server);

        Assert.Equal(100, result.ExitCode);
        Assert.StartsWith($"config-mini: fatal: {message}", result.StderrText, StringComparison.Ordinal);
        Assert.Equal("", result.StdoutText);
        Assert.Equal(new Dictionary<string, string> { ["me"] = "old.example\n", ["qmqpservers"] = "10.9.9.9\n" }, ControlFiles(home));
    }

    [Fact]
    public void Every_bad_argument_is_named_not_only_the_first()
    {
        using var home = new ScratchHome();
        var result = ConfigMini(home, "a b", "b.example", "c.example", "d.example", "10.0.0.5", "x:y:z:");
        Assert.Equal(100, result.ExitCode);
        Assert.Equal(2, result.StderrText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Without_a_control_directory_it_stops_at_the_first_file_with_exit_111()
    {
        using var home = new ScratchHome();
        Directory.Delete(Path.Combine(home.Home, "control"));
        var result = ConfigMini(home, "a.example", "b.example", "c.example", "d.example", "10.0.0.5");

        Assert.Equal(111, result.ExitCode);
        Assert.Equal("Putting a.example into control/me...\n", result.StdoutText);
        Assert.StartsWith("config-mini: fatal: unable to write control/me: ", result.StderrText, StringComparison.Ordinal);
        Assert.Single(result.StderrText.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void The_modern_subcommand_is_the_same_program()
    {
        using var home = new ScratchHome();
        var result = ProgramRunner.Run(Programs.Executable, ["config-mini", "a.example", "b.example", "c.example", "d.example", "127.0.0.1"], env: home.Environment());
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("127.0.0.1\n", File.ReadAllText(home.Control("qmqpservers")));
    }
}

public class AtomicFileTests
{
    [Fact]
    public void A_write_replaces_the_file_with_the_given_mode_and_leaves_no_temporary_file()
    {
        var dir = Directory.CreateTempSubdirectory("mini-qmail-atomic.").FullName;
        try
        {
            var path = Path.Combine(dir, "me");
            File.WriteAllText(path, "old content that is longer\n");
            File.SetUnixFileMode(path, (UnixFileMode)0b110_110_110);
            var inode = new InstallScratchInode(path);

            Assert.True(AtomicFile.TryWrite(path, Encoding.ASCII.GetBytes("new\n"), AtomicFile.ControlFileMode, out var error), error);
            Assert.Equal("new\n", File.ReadAllText(path));
            Assert.Equal(AtomicFile.ControlFileMode, File.GetUnixFileMode(path));
            Assert.NotEqual(inode.Value, new InstallScratchInode(path).Value); // renamed into place, not rewritten
            Assert.Equal(["me"], Directory.GetFiles(dir).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_write_into_a_missing_directory_fails_with_a_reason()
    {
        Assert.False(AtomicFile.TryWrite("/nonexistent-mini-qmail-dir/me", [1], AtomicFile.ControlFileMode, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    private sealed record InstallScratchInode(long Value)
    {
        public InstallScratchInode(string path) : this(Stat(path)) { }

        private static long Stat(string path)
        {
            Unix.TryStat(path, out var stat, out _, out _);
            return stat.Inode;
        }
    }
}
