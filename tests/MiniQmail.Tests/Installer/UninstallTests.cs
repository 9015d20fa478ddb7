using MiniQmail.Installer.Files;
using MiniQmail.Installer.Install;
using Xunit;

namespace MiniQmail.Tests.Installer;

public class UninstallTests
{
    private const string Home = InstallScratch.Home;

    [Fact]
    public void Uninstall_restores_a_displaced_sendmail_byte_for_byte_with_mode_owner_and_inode()
    {
        using var s = new InstallScratch();
        Directory.CreateDirectory(s.Real("/usr/sbin"));
        var sendmail = s.Real("/usr/sbin/sendmail");
        var content = new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 0, 1, 2, 0xff, (byte)'\n' };
        File.WriteAllBytes(sendmail, content);
        File.SetUnixFileMode(sendmail, (UnixFileMode)0b111_101_000 | UnixFileMode.SetGroup);
        var owned = Unix.IsRoot && Unix.TrySetOwner(sendmail, 1234, 5678, out _);
        var before = s.Picture()["/usr/sbin/sendmail"];

        Assert.True(s.Install(replaceSendmail: true).Succeeded);
        Assert.Equal(EntryKind.Link, InstallScratch.Look(sendmail).Kind);
        Assert.True(s.Uninstall().Succeeded);

        Assert.Equal(content, File.ReadAllBytes(sendmail));
        Assert.Equal(before, s.Picture()["/usr/sbin/sendmail"]);
        if (owned)
            Assert.Equal((1234, 5678), (InstallScratch.Look(sendmail).Uid, InstallScratch.Look(sendmail).Gid));
    }

    [Fact]
    public void Uninstall_puts_back_a_replaced_sendmail_link()
    {
        using var s = new InstallScratch();
        Directory.CreateDirectory(s.Real("/usr/lib"));
        File.CreateSymbolicLink(s.Real("/usr/lib/sendmail"), "/usr/sbin/exim4");

        Assert.True(s.Install().Succeeded);
        Assert.Equal(Home + "/bin/sendmail", InstallScratch.Look(s.Real("/usr/lib/sendmail")).LinkTarget);
        Assert.True(s.Uninstall().Succeeded);
        Assert.Equal("/usr/sbin/exim4", InstallScratch.Look(s.Real("/usr/lib/sendmail")).LinkTarget);
    }

    [Fact]
    public void Uninstall_after_install_leaves_exactly_what_was_there_before()
    {
        using var s = new InstallScratch();
        Directory.CreateDirectory(s.Real("/usr/sbin"));
        Directory.CreateDirectory(s.Real(Home + "/bin"));
        File.SetUnixFileMode(s.Real(Home + "/bin"), (UnixFileMode)0b111_000_000);
        File.WriteAllText(s.Real(Home + "/bin/qmail-inject"), "the C qmail-inject");
        File.WriteAllText(s.Real("/usr/sbin/sendmail"), "postfix");
        var before = s.Picture();

        Assert.True(s.Install(replaceSendmail: true).Succeeded);
        Assert.True(s.Uninstall().Succeeded);
        Assert.Equal(before, s.Picture());
    }

    [Fact]
    public void Control_files_stay_unless_purge_is_given()
    {
        using var s = new InstallScratch();
        Assert.True(s.Install().Succeeded);
        File.WriteAllText(s.Real(Home + "/control/me"), "mail.example.com\n");

        Assert.True(s.Uninstall().Succeeded);
        Assert.Equal("mail.example.com\n", File.ReadAllText(s.Real(Home + "/control/me")));
        Assert.False(Directory.Exists(s.Real(Home + "/bin")));
        Assert.False(Directory.Exists(s.Real(Home + "/lib")));
        Assert.False(Directory.Exists(s.Real(Home + "/man")));

        Assert.True(s.Install().Succeeded);
        Assert.True(s.Uninstall(purge: true).Succeeded);
        Assert.False(Directory.Exists(s.Real(Home)));
        Assert.False(File.Exists(s.Real("/usr/sbin/sendmail")));
    }

    [Fact]
    public void A_file_changed_since_install_is_left_in_place_with_a_warning()
    {
        using var s = new InstallScratch();
        Assert.True(s.Install().Succeeded);
        File.Delete(s.Real("/usr/sbin/sendmail"));
        File.WriteAllText(s.Real("/usr/sbin/sendmail"), "someone else's sendmail");

        var plan = UninstallPlanner.Plan(s.Target, purge: false);
        Assert.Contains($"{s.Root}/usr/sbin/sendmail changed since install; left in place", plan.Warnings);
        Assert.True(PlanExecutor.Execute(plan, s.Target.SetsOwners).Succeeded);
        Assert.Equal("someone else's sendmail", File.ReadAllText(s.Real("/usr/sbin/sendmail")));
    }

    [Fact]
    public void Without_a_manifest_uninstall_refuses()
    {
        using var s = new InstallScratch();
        var plan = UninstallPlanner.Plan(s.Target, purge: false);
        Assert.Contains("no manifest", plan.Failure!.Reason, StringComparison.Ordinal);
    }
}
