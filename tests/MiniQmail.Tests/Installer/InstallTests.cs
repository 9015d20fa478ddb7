using MiniQmail.Installer.Files;
using MiniQmail.Installer.Install;
using Xunit;

namespace MiniQmail.Tests.Installer;

public class InstallTests
{
    private const string Home = InstallScratch.Home;

    [Fact]
    public void Install_creates_the_layout_with_every_program_name_linked_to_the_one_executable()
    {
        using var s = new InstallScratch();
        Assert.True(s.Install().Succeeded);

        foreach (var dir in new[] { "", "/bin", "/control", "/man", "/man/man1", "/man/man5", "/man/man7", "/man/man8", "/lib", "/lib/mini-qmail" })
        {
            var d = InstallScratch.Look(s.Real(Home + dir));
            Assert.Equal(EntryKind.Directory, d.Kind);
            Assert.Equal(Modes.Directory, d.Mode);
        }
        foreach (var name in InstalledPrograms.Names)
        {
            var link = InstallScratch.Look(s.Real($"{Home}/bin/{name}"));
            Assert.Equal(EntryKind.Link, link.Kind);
            Assert.Equal("mini-qmail", link.LinkTarget);
        }
        Assert.Equal("qmail-qmqpc", InstallScratch.Look(s.Real(Home + "/bin/qmail-queue")).LinkTarget);
        Assert.Equal("../lib/mini-qmail/mini-qmail", InstallScratch.Look(s.Real(Home + "/bin/mini-qmail")).LinkTarget);
        foreach (var link in InstalledPrograms.SendmailLinks)
            Assert.Equal(Home + "/bin/sendmail", InstallScratch.Look(s.Real(link)).LinkTarget);

        var exe = InstallScratch.Look(s.Real(Home + "/lib/mini-qmail/mini-qmail"));
        Assert.Equal((EntryKind.File, Modes.Program), (exe.Kind, exe.Mode));
        Assert.Equal(File.ReadAllBytes(Path.Combine(s.Bundle, "mini-qmail")), File.ReadAllBytes(s.Real(Home + "/lib/mini-qmail/mini-qmail")));
        Assert.Equal(Modes.Data, InstallScratch.Look(s.Real(Home + "/lib/mini-qmail/mini-qmail.dll")).Mode);
        Assert.True(File.Exists(s.Real(Home + "/lib/mini-qmail/runtimes/libnative.so")));
        Assert.False(File.Exists(s.Real(Home + "/lib/mini-qmail/mini-qmail.pdb")));
        Assert.False(InstallScratch.Look(s.Real(Home + "/lib/mini-qmail/install-mini")).Exists);
        Assert.Empty(Directory.GetFileSystemEntries(s.Real(Home + "/control")));
    }

    [Fact]
    public void Every_man_page_of_the_repository_is_installed_with_mode_0644()
    {
        using var s = new InstallScratch();
        Assert.True(s.Install().Succeeded);
        foreach (var page in new[] { "sendmail.8", "qmail-inject.8", "qmail-qmqpc.8", "config-mini.8", "mini-qmail.8" })
        {
            var path = s.Real($"{Home}/man/man8/{page}");
            Assert.Equal(Modes.Data, InstallScratch.Look(path).Mode);
            Assert.StartsWith(".TH ", File.ReadAllText(path), StringComparison.Ordinal);
        }
        var repoPages = Directory.GetFiles(Path.Combine(Support.Programs.RepoRoot, "man"), "*.?", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Path.Combine(Support.Programs.RepoRoot, "man"), p)).Order(StringComparer.Ordinal);
        var installed = Directory.GetFiles(s.Real(Home + "/man"), "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(s.Real(Home + "/man"), p)).Order(StringComparer.Ordinal);
        Assert.Equal(repoPages, installed);
    }

    [Fact]
    public void As_root_everything_installed_is_owned_by_root_and_nothing_is_world_writable()
    {
        using var s = new InstallScratch();
        Assert.True(s.Install().Succeeded);
        foreach (var (path, _) in s.Picture())
        {
            var look = InstallScratch.Look(s.Real(path));
            if (look.Kind != EntryKind.Link)
                Assert.True((look.Mode & UnixFileMode.OtherWrite) == 0, $"{path} is world-writable");
            if (Unix.IsRoot)
                Assert.True(look.Uid == 0 && look.Gid == 0, $"{path} is owned by {look.Uid}:{look.Gid}");
        }
    }

    [Fact]
    public void The_manifest_records_every_directory_file_and_link_install_created()
    {
        using var s = new InstallScratch();
        Assert.True(s.Install().Succeeded);
        Assert.True(ManifestStore.TryLoad(s.Target, out var manifest, out _));
        var recorded = manifest!.Entries.Select(e => e.Path).ToHashSet();
        foreach (var (path, _) in s.Picture())
        {
            if (path != Home + "/" + Manifest.RelativePath)
                Assert.Contains(path, recorded);
        }
        Assert.Equal(Home + "/bin/sendmail", manifest.Find(ManifestKind.Link, "/usr/sbin/sendmail")!.Detail);
        Assert.Equal(InstallPlanner.HashFile(Path.Combine(s.Bundle, "mini-qmail")), manifest.Find(ManifestKind.File, Home + "/lib/mini-qmail/mini-qmail")!.Detail);
        Assert.DoesNotContain(manifest.Entries, e => e.Kind == ManifestKind.Displaced);
    }

    [Fact]
    public void Running_install_again_plans_nothing_and_changes_nothing()
    {
        using var s = new InstallScratch();
        Directory.CreateDirectory(s.Real("/usr/sbin"));
        File.WriteAllText(s.Real("/usr/sbin/sendmail"), "postfix");
        Assert.True(s.Install(replaceSendmail: true).Succeeded);
        var before = s.Picture();

        var again = InstallPlanner.Plan(s.Options(replaceSendmail: true));
        Assert.Null(again.Failure);
        Assert.Empty(again.Actions);
        Assert.Equal(["nothing to do"], again.Describe());
        Assert.True(PlanExecutor.Execute(again, s.Target.SetsOwners).Succeeded);
        Assert.Equal(before, s.Picture());
    }

    [Fact]
    public void A_changed_bundle_file_is_replaced_in_place_without_a_backup()
    {
        using var s = new InstallScratch();
        Assert.True(s.Install().Succeeded);
        File.WriteAllText(Path.Combine(s.Bundle, "mini-qmail.dll"), "version two");

        var plan = InstallPlanner.Plan(s.Options());
        var copy = Assert.Single(plan.Actions.OfType<CopyFile>());
        Assert.Equal(Home + "/lib/mini-qmail/mini-qmail.dll", copy.Path);
        Assert.Empty(plan.Actions.OfType<Displace>());
        Assert.True(PlanExecutor.Execute(plan, s.Target.SetsOwners).Succeeded);
        Assert.Equal("version two", File.ReadAllText(s.Real(Home + "/lib/mini-qmail/mini-qmail.dll")));
    }

    [Fact]
    public void A_file_the_new_bundle_no_longer_has_is_removed_and_forgotten()
    {
        using var s = new InstallScratch();
        Assert.True(s.Install().Succeeded);
        File.Delete(Path.Combine(s.Bundle, "runtimes", "libnative.so"));

        Assert.True(s.Install().Succeeded);
        Assert.False(File.Exists(s.Real(Home + "/lib/mini-qmail/runtimes/libnative.so")));
        Assert.True(ManifestStore.TryLoad(s.Target, out var manifest, out _));
        Assert.Null(manifest!.Find(ManifestKind.File, Home + "/lib/mini-qmail/runtimes/libnative.so"));
        Assert.Empty(InstallPlanner.Plan(s.Options()).Actions);
    }

    [Fact]
    public void A_real_sendmail_is_left_alone_with_the_warning_of_the_spec()
    {
        using var s = new InstallScratch();
        Directory.CreateDirectory(s.Real("/usr/sbin"));
        File.WriteAllText(s.Real("/usr/sbin/sendmail"), "postfix's sendmail");

        var plan = InstallPlanner.Plan(s.Options());
        Assert.Equal([$"{s.Root}/usr/sbin/sendmail exists and is not a symbolic link; not replaced"], plan.Warnings);
        Assert.True(PlanExecutor.Execute(plan, s.Target.SetsOwners).Succeeded);
        Assert.Equal(EntryKind.File, InstallScratch.Look(s.Real("/usr/sbin/sendmail")).Kind);
        Assert.Equal("postfix's sendmail", File.ReadAllText(s.Real("/usr/sbin/sendmail")));
        Assert.Equal(EntryKind.Link, InstallScratch.Look(s.Real("/usr/lib/sendmail")).Kind);
    }

    [Fact]
    public void A_directory_where_a_sendmail_link_goes_is_left_alone_with_the_warning()
    {
        using var s = new InstallScratch();
        Directory.CreateDirectory(s.Real("/usr/lib/sendmail"));
        var plan = InstallPlanner.Plan(s.Options());
        Assert.Null(plan.Failure);
        Assert.Equal([$"{s.Root}/usr/lib/sendmail exists and is not a symbolic link; not replaced"], plan.Warnings);
        Assert.Equal("link", InstallPlanner.Plan(s.Options(replaceSendmail: true)).Failure!.Verb);
    }

    [Fact]
    public void Replace_sendmail_moves_it_to_a_backup_recorded_in_the_manifest()
    {
        using var s = new InstallScratch();
        Directory.CreateDirectory(s.Real("/usr/sbin"));
        File.WriteAllText(s.Real("/usr/sbin/sendmail"), "postfix's sendmail");

        var plan = InstallPlanner.Plan(s.Options(replaceSendmail: true));
        Assert.Empty(plan.Warnings);
        Assert.True(PlanExecutor.Execute(plan, s.Target.SetsOwners).Succeeded);

        Assert.Equal(Home + "/bin/sendmail", InstallScratch.Look(s.Real("/usr/sbin/sendmail")).LinkTarget);
        Assert.True(ManifestStore.TryLoad(s.Target, out var manifest, out _));
        var backup = manifest!.Find(ManifestKind.Displaced, "/usr/sbin/sendmail")!.Detail;
        Assert.Equal(Home + "/lib/displaced/usr/sbin/sendmail", backup);
        Assert.Equal("postfix's sendmail", File.ReadAllText(s.Real(backup)));
    }

    [Fact]
    public void An_old_program_in_bin_is_displaced_not_overwritten()
    {
        using var s = new InstallScratch();
        Directory.CreateDirectory(s.Real(Home + "/bin"));
        File.WriteAllText(s.Real(Home + "/bin/qmail-qmqpc"), "the C qmail-qmqpc");

        Assert.True(s.Install().Succeeded);
        Assert.Equal(EntryKind.Link, InstallScratch.Look(s.Real(Home + "/bin/qmail-qmqpc")).Kind);
        Assert.Equal("the C qmail-qmqpc", File.ReadAllText(s.Real(Home + "/lib/displaced" + Home + "/bin/qmail-qmqpc")));
    }

    [Fact]
    public void Something_that_is_not_a_directory_where_one_is_needed_stops_the_plan()
    {
        using var s = new InstallScratch();
        Directory.CreateDirectory(s.Real(Home));
        File.WriteAllText(s.Real(Home + "/control"), "a file");

        var plan = InstallPlanner.Plan(s.Options());
        Assert.Equal($"unable to mkdir {s.Root}{Home}/control: exists and is not a directory", plan.Failure!.ToString());
        Assert.Empty(plan.Actions);
    }

    [Fact]
    public void A_bundle_without_the_executable_is_refused()
    {
        using var s = new InstallScratch();
        var plan = InstallPlanner.Plan(s.Options(bundle: s.Root));
        Assert.Equal("read", plan.Failure!.Verb);
        Assert.Contains("no mini-qmail executable", plan.Failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Existing_directories_with_other_modes_are_fixed_and_recorded()
    {
        using var s = new InstallScratch();
        Directory.CreateDirectory(s.Real(Home + "/control"));
        File.SetUnixFileMode(s.Real(Home + "/control"), (UnixFileMode)0b111_111_111);

        Assert.True(s.Install().Succeeded);
        Assert.Equal(Modes.Directory, InstallScratch.Look(s.Real(Home + "/control")).Mode);
        Assert.True(ManifestStore.TryLoad(s.Target, out var manifest, out _));
        Assert.StartsWith("0777 ", manifest!.Find(ManifestKind.Attributes, Home + "/control")!.Detail, StringComparison.Ordinal);
    }
}
