namespace MiniQmail.Installer.Install;

/// <summary>
/// Where an installation goes: the home as the installed programs see it, and a root prefix
/// (DESTDIR, --root) under which every absolute path is created. Plans and manifests speak of
/// paths without the root; only the file operations add it.
/// </summary>
public sealed record InstallTarget
{
    public InstallTarget(string root, string home)
    {
        Root = root.Length == 0 ? "" : Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        if (Root == "/")
            Root = "";
        Home = Path.TrimEndingDirectorySeparator(Path.GetFullPath(home));
    }

    /// <summary>The prefix of every real path; empty for the running system.</summary>
    public string Root { get; }

    /// <summary>The home, absolute, as the installed programs see it.</summary>
    public string Home { get; }

    public string Real(string path) => Root + path;

    /// <summary>
    /// Whether owners are set to root: always for the running system (layout.md §2), under a
    /// root prefix only when running as root (§7), so packagers need no privileges.
    /// </summary>
    public bool SetsOwners => Root.Length == 0 || Files.Unix.IsRoot;

    public string InHome(string relative) => Home + "/" + relative;

    public string Bin(string name) => InHome("bin/" + name);

    public string Control(string name) => InHome("control/" + name);

    /// <summary>The copy of the executable's directory (runtime and all).</summary>
    public string ProgramDir => InHome("lib/mini-qmail");

    /// <summary>The retry queue's directory as install makes it (control/queue empty).</summary>
    public string QueueDir => InHome("queue");

    public string ManifestPath => InHome(Manifest.RelativePath);

    /// <summary>Where a displaced file is kept: under the home, at its own absolute path.</summary>
    public string BackupDir => InHome("lib/displaced");

    /// <summary>The directories of layout.md §7 step 1, home first.</summary>
    public IEnumerable<string> LayoutDirectories =>
        [Home, InHome("bin"), InHome("control"), InHome("man"), InHome("man/man1"), InHome("man/man5"), InHome("man/man7"), InHome("man/man8")];
}
