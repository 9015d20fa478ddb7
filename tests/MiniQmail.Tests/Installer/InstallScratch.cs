using MiniQmail.Installer.Files;
using MiniQmail.Installer.Install;

namespace MiniQmail.Tests.Installer;

/// <summary>
/// A scratch root to install into (never the real /usr/sbin or /var/mini-qmail), with a fake
/// bundle next to it, and a way to take a picture of the whole tree to compare runs.
/// </summary>
public sealed class InstallScratch : IDisposable
{
    public const string Home = "/var/mini-qmail";

    public InstallScratch()
    {
        Dir = Directory.CreateTempSubdirectory("mini-qmail-install.").FullName;
        Root = Path.Combine(Dir, "root");
        Bundle = Path.Combine(Dir, "bundle");
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Path.Combine(Bundle, "runtimes"));
        File.WriteAllText(Path.Combine(Bundle, "mini-qmail"), "#!/bin/sh\necho fake apphost\n");
        File.SetUnixFileMode(Path.Combine(Bundle, "mini-qmail"), (UnixFileMode)0b111_101_101);
        File.WriteAllText(Path.Combine(Bundle, "mini-qmail.dll"), "fake assembly");
        File.WriteAllText(Path.Combine(Bundle, "mini-qmail.pdb"), "symbols are not installed");
        File.WriteAllText(Path.Combine(Bundle, "runtimes", "libnative.so"), "fake native library");
        File.CreateSymbolicLink(Path.Combine(Bundle, "install-mini"), "mini-qmail");
    }

    public string Dir { get; }

    /// <summary>The prefix of every installed path (DESTDIR).</summary>
    public string Root { get; }

    public string Bundle { get; }

    public InstallTarget Target => new(Root, Home);

    public string Real(string path) => Root + path;

    public InstallOptions Options(bool replaceSendmail = false, string? bundle = null) =>
        new(Target, bundle ?? Bundle, Target.SetsOwners, replaceSendmail, ManPage.Embedded);

    public InstallResult Install(bool replaceSendmail = false, string? bundle = null)
    {
        var plan = InstallPlanner.Plan(Options(replaceSendmail, bundle));
        Xunit.Assert.Null(plan.Failure);
        return PlanExecutor.Execute(plan, Target.SetsOwners);
    }

    public InstallResult Uninstall(bool purge = false)
    {
        var plan = UninstallPlanner.Plan(Target, purge);
        Xunit.Assert.Null(plan.Failure);
        return PlanExecutor.Execute(plan, Target.SetsOwners);
    }

    /// <summary>Every path under the root with what it is: kind, mode, owner, inode, link target, content hash.</summary>
    public SortedDictionary<string, string> Picture()
    {
        var picture = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFileSystemEntries(Root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            Unix.TryStat(path, out var stat, out _, out _);
            var hash = stat.Type == Unix.TypeFile ? InstallPlanner.HashFile(path) : "";
            var target = stat.Type == Unix.TypeLink ? new FileInfo(path).LinkTarget : "";
            picture[path[Root.Length..]] = $"{stat.Type:x} {Convert.ToString(stat.Permissions, 8)} {stat.Uid}:{stat.Gid} ino {stat.Inode} {target} {hash}";
        }
        return picture;
    }

    public static FileSnapshot Look(string realPath) => FileSnapshot.Take(realPath);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
