using MiniQmail.Tests.Support;
using Xunit;

namespace MiniQmail.Tests.Installer;

/// <summary>
/// The self-contained bundle (docs/installer.md, "Building the bundle") installed and run on a
/// host without .NET: the test hides /usr/share/dotnet in a private mount namespace. The bundle
/// is slow to publish, so the test uses one named by MINIQMAIL_TEST_BUNDLE (.ci/run publishes
/// one); without it the test is skipped on a developer machine and fails under CI.
/// </summary>
public class BundleTests
{
    private const string Home = InstallScratch.Home;

    [SkippableFact]
    public void Programs_installed_from_the_self_contained_bundle_run_where_no_dotnet_is_installed()
    {
        var bundle = Environment.GetEnvironmentVariable("MINIQMAIL_TEST_BUNDLE");
        if (string.IsNullOrEmpty(bundle) && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            Assert.Fail("MINIQMAIL_TEST_BUNDLE does not name a published bundle (.ci/run publishes one)");
        Skip.If(string.IsNullOrEmpty(bundle), "MINIQMAIL_TEST_BUNDLE does not name a published bundle");
        Skip.IfNot(File.Exists("/usr/bin/unshare") && MiniQmail.Installer.Files.Accounts.UserId("root") == 0 && Environment.UserName == "root",
            "hiding .NET needs root and unshare");

        using var s = new InstallScratch();
        var install = ProgramRunner.Run(Path.Combine(bundle!, "mini-qmail"), ["install", "--root", s.Root, "--home", Home]);
        Assert.True(install.ExitCode == 0, install.ToString());
        File.WriteAllText(s.Real(Home + "/control/me"), "bundle.example\n");

        var empty = Directory.CreateDirectory(Path.Combine(s.Dir, "empty")).FullName;
        var script = $"mount --bind '{empty}' /usr/share/dotnet && exec '{s.Real(Home + "/bin/qmail-showctl")}'";
        var result = ProgramRunner.Run("/usr/bin/unshare", ["-m", "--propagation", "private", "/bin/sh", "-c", script],
            env: new Dictionary<string, string?> { ["DOTNET_ROOT"] = null }); // a bare environment, as cron's: the home is found from the install
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\nme: My name is bundle.example.\n", result.StdoutText, StringComparison.Ordinal);
    }
}
