using MiniQmail.Installer.Install;
using Programs = MiniQmail.Tests.Support.Programs;
using MiniQmail.Tests.Support;
using Xunit;

namespace MiniQmail.Tests.Installer;

/// <summary>install-mini and mini-qmail install as programs, installing the real build.</summary>
public class InstallProgramTests(InstalledTree tree) : IClassFixture<InstalledTree>
{
    private const string Home = InstalledTree.Home;

    [Fact]
    public void Install_mini_with_DESTDIR_succeeds_silently_and_installs_the_build()
    {
        Assert.Equal(0, tree.Install.ExitCode);
        Assert.Equal("", tree.Install.StdoutText);
        Assert.Equal("", tree.Install.StderrText);
        Assert.Equal(File.ReadAllBytes(Programs.Executable), File.ReadAllBytes($"{tree.HomeDir}/lib/mini-qmail/mini-qmail"));
        Assert.True(File.Exists($"{tree.HomeDir}/{Manifest.RelativePath}"));
    }

    [Theory]
    [MemberData(nameof(ClassicNames))]
    public void Each_program_name_in_bin_is_dispatched_to_a_classic_program(string name)
    {
        // A classic program answers an unknown option itself (usage, fatal, or ignoring it);
        // a name the executable does not know falls through to the modern command line.
        // In the tree's own directory: maildirmake takes the probe for a name and creates it.
        var result = ProgramRunner.Run(tree.Bin(name), ["--mini-qmail-dispatch-probe"], stdin: [], env: tree.Environment(), timeout: TimeSpan.FromSeconds(30), workingDirectory: tree.Root);
        Assert.DoesNotContain("Required command was not provided", result.StderrText + result.StdoutText, StringComparison.Ordinal);
        Assert.DoesNotContain("Unrecognized command or argument", result.StderrText + result.StdoutText, StringComparison.Ordinal);
    }

    public static TheoryData<string> ClassicNames() => new(InstalledPrograms.AllClassicNames);

    [Fact]
    public void Installed_programs_find_their_home_without_MINIQMAIL_HOME()
    {
        // Cron gives jobs a bare environment: a tree installed under another home (here a
        // scratch root) must still find its control files.
        var result = ProgramRunner.Run(tree.Bin("qmail-showctl"), env: new Dictionary<string, string?> { ["TMPDIR"] = tree.Root });
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith($"qmail home directory: {tree.HomeDir}.\n", result.StdoutText, StringComparison.Ordinal);
        var elsewhere = ProgramRunner.Run(tree.Bin("qmail-showctl"), env: new Dictionary<string, string?> { ["MINIQMAIL_HOME"] = tree.Root });
        Assert.StartsWith($"qmail home directory: {tree.Root}.\n", elsewhere.StdoutText, StringComparison.Ordinal);
    }

    [Fact]
    public void Dry_run_prints_the_plan_and_touches_nothing()
    {
        var root = Directory.CreateTempSubdirectory("mini-qmail-dry.").FullName;
        try
        {
            var result = ProgramRunner.Run(Programs.Executable, ["install", "--root", root, "--home", Home, "--dry-run"]);
            Assert.Equal(0, result.ExitCode);
            Assert.Contains($"mkdir {root}{Home}/control\n", result.StdoutText, StringComparison.Ordinal);
            Assert.Contains($"link {root}{Home}/bin/qmail-queue -> qmail-qmqpc\n", result.StdoutText, StringComparison.Ordinal);
            Assert.Contains($"link {root}/usr/sbin/sendmail -> {Home}/bin/sendmail\n", result.StdoutText, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFileSystemEntries(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Modern_install_again_over_the_installed_tree_has_nothing_to_do()
    {
        var result = ProgramRunner.Run(Programs.Executable, ["install", "--root", tree.Root, "--home", Home, "--dry-run"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("nothing to do\n", result.StdoutText);
    }

    [Fact]
    public void A_real_sendmail_gets_the_spec_warning_and_install_still_succeeds()
    {
        using var s = new InstallScratch();
        Directory.CreateDirectory(s.Real("/usr/sbin"));
        File.WriteAllText(s.Real("/usr/sbin/sendmail"), "postfix");
        var result = ProgramRunner.Run(Programs.Executable, ["install", "--root", s.Root, "--home", Home]);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"mini-qmail install: warning: {s.Root}/usr/sbin/sendmail exists and is not a symbolic link; not replaced\n", result.StderrText);
        Assert.Equal("postfix", File.ReadAllText(s.Real("/usr/sbin/sendmail")));
    }

    [Fact]
    public void A_failure_prints_the_fatal_line_of_the_spec_and_exits_111()
    {
        using var s = new InstallScratch();
        Directory.CreateDirectory(s.Real(Home));
        File.WriteAllText(s.Real(Home + "/bin"), "in the way");
        var link = Path.Combine(s.Dir, "install-mini");
        File.CreateSymbolicLink(link, Programs.Executable);
        var result = ProgramRunner.Run(link, env: new Dictionary<string, string?> { ["DESTDIR"] = s.Root });
        Assert.Equal(111, result.ExitCode);
        Assert.Equal($"install-mini: fatal: unable to mkdir {s.Root}{Home}/bin: exists and is not a directory\n", result.StderrText);
    }

    [Fact]
    public void Uninstall_as_a_program_restores_the_sendmail_it_replaced()
    {
        using var s = new InstallScratch();
        Directory.CreateDirectory(s.Real("/usr/sbin"));
        File.WriteAllText(s.Real("/usr/sbin/sendmail"), "postfix");
        var before = s.Picture();
        Assert.Equal(0, ProgramRunner.Run(Programs.Executable, ["install", "--root", s.Root, "--home", Home, "--replace-sendmail"]).ExitCode);
        Assert.Equal(0, ProgramRunner.Run(Programs.Executable, ["uninstall", "--root", s.Root, "--home", Home]).ExitCode);
        Assert.Equal(before, s.Picture());
    }

    [Fact]
    public void The_installed_program_can_uninstall_the_installation_it_runs_from()
    {
        using var s = new InstallScratch();
        Assert.Equal(0, ProgramRunner.Run(Programs.Executable, ["install", "--root", s.Root, "--home", Home]).ExitCode);
        var result = ProgramRunner.Run(s.Real(Home + "/bin/mini-qmail"), ["uninstall", "--root", s.Root, "--home", Home, "--purge"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(Directory.GetFileSystemEntries(s.Root));
    }

    [Fact]
    public void Even_with_umask_000_nothing_installed_is_group_or_world_writable()
    {
        using var s = new InstallScratch();
        var result = ProgramRunner.Run("/bin/sh", ["-c", "umask 000 && exec \"$0\" \"$@\"", Programs.Executable, "install", "--root", s.Root, "--home", Home]);
        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var path in s.Picture().Keys)
        {
            var look = InstallScratch.Look(s.Real(path));
            if (look.Kind != MiniQmail.Installer.Files.EntryKind.Link)
                Assert.True((look.Mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0, $"{path}: {Modes.Octal(look.Mode)}");
        }
    }
}
