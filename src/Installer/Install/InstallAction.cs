using MiniQmail.Queue.Storage;

namespace MiniQmail.Installer.Install;

/// <summary>
/// One step of an install or uninstall plan. Paths are without the root prefix; a plan is data,
/// printed by --dry-run or carried out by <see cref="PlanExecutor"/>.
/// </summary>
public abstract record InstallAction(string Path)
{
    /// <summary>The word of layout.md §7's fatal message: "unable to &lt;verb&gt; &lt;path&gt;".</summary>
    public abstract string Verb { get; }

    /// <summary>One line for --dry-run, with the real path.</summary>
    public abstract string Describe(InstallTarget target);
}

/// <summary>
/// Create a directory (mode 0755, owner root when owners are set). <paramref name="Group"/>, when
/// given, is the directory's group (the queue's: root:GROUP, mode 2770), looked up when the
/// action is carried out, so that a group made by an earlier action of the plan is found.
/// </summary>
public sealed record MakeDirectory(string Path, UnixFileMode Mode = Modes.Directory, string? Group = null) : InstallAction(Path)
{
    public override string Verb => "mkdir";
    public override string Describe(InstallTarget target) =>
        Group is null ? $"mkdir {target.Real(Path)}" : $"mkdir {target.Real(Path)} ({Modes.Octal(Mode)}, group {Group})";
}

/// <summary>Give an existing directory mode 0755 (and owner root), or <paramref name="Mode"/> and <paramref name="Group"/>; the old values are recorded.</summary>
public sealed record FixDirectory(string Path, UnixFileMode OldMode, int OldUid, int OldGid, UnixFileMode Mode = Modes.Directory, string? Group = null) : InstallAction(Path)
{
    public override string Verb => "chmod";
    public override string Describe(InstallTarget target) =>
        $"chmod {Modes.Octal(Mode)} {target.Real(Path)}{(Group is null ? "" : $" (group {Group})")} (was {Modes.Octal(OldMode)} {OldUid}:{OldGid})";
}

/// <summary>
/// Create the retry queue's database in the queue directory <paramref name="Path"/> through the
/// queue library (as the installing user, root), then give it group <paramref name="Group"/>
/// and mode 0660. An existing database is opened, not replaced.
/// </summary>
public sealed record InitializeQueue(string Path, string Group) : InstallAction(Path)
{
    public override string Verb => "open";
    public override string Describe(InstallTarget target) =>
        $"initialize {target.Real(Path)}/{SqliteQueueStore.FileName} ({Modes.Octal(Modes.QueueDatabase)}, group {Group})";
}

/// <summary>
/// Run a system command (groupadd, systemctl). Only planned for the running system, never under a
/// root prefix. <paramref name="Path"/> is what it changes, for messages.
/// </summary>
public sealed record RunCommand(string Path, IReadOnlyList<string> Arguments) : InstallAction(Path)
{
    public override string Verb => "run " + Arguments[0] + " for";
    public override string Describe(InstallTarget target) => string.Join(' ', Arguments);
}

/// <summary>Copy a file of the bundle into place, atomically.</summary>
public sealed record CopyFile(string Path, string Source, UnixFileMode Mode, string Sha256) : InstallAction(Path)
{
    public override string Verb => "write";
    public override string Describe(InstallTarget target) => $"copy {Source} {target.Real(Path)} ({Modes.Octal(Mode)})";
}

/// <summary>Write bytes the program carries (a man page) into place, atomically.</summary>
public sealed record WriteContent(string Path, byte[] Content, UnixFileMode Mode, string Sha256) : InstallAction(Path)
{
    public override string Verb => "write";
    public override string Describe(InstallTarget target) => $"write {target.Real(Path)} ({Modes.Octal(Mode)})";
}

/// <summary>Make a symbolic link, replacing one of ours that points elsewhere.</summary>
public sealed record MakeLink(string Path, string Target) : InstallAction(Path)
{
    public override string Verb => "link";
    public override string Describe(InstallTarget target) => $"link {target.Real(Path)} -> {Target}";
}

/// <summary>Move something that is in the way to <paramref name="Backup"/>, keeping content, mode and owner.</summary>
public sealed record Displace(string Path, string Backup) : InstallAction(Path)
{
    public override string Verb => "move";
    public override string Describe(InstallTarget target) => $"move {target.Real(Path)} {target.Real(Backup)}";
}

/// <summary>Put a displaced file back (uninstall).</summary>
public sealed record Restore(string Path, string Backup) : InstallAction(Path)
{
    public override string Verb => "restore";
    public override string Describe(InstallTarget target) => $"restore {target.Real(Path)} from {target.Real(Backup)}";
}

/// <summary>Give a directory back the mode and owner it had before install (uninstall).</summary>
public sealed record RestoreAttributes(string Path, UnixFileMode Mode, int Uid, int Gid) : InstallAction(Path)
{
    public override string Verb => "chmod";
    public override string Describe(InstallTarget target) => $"chmod {Modes.Octal(Mode)} {target.Real(Path)} (owner {Uid}:{Gid})";
}

/// <summary>Remove a file or link install created (uninstall), or every file of the control directory (--purge).</summary>
public sealed record RemoveFile(string Path) : InstallAction(Path)
{
    public override string Verb => "unlink";
    public override string Describe(InstallTarget target) => $"remove {target.Real(Path)}";
}

/// <summary>Remove a directory install created, if it is empty (uninstall).</summary>
public sealed record RemoveDirectory(string Path) : InstallAction(Path)
{
    public override string Verb => "rmdir";
    public override string Describe(InstallTarget target) => $"rmdir {target.Real(Path)} (if empty)";
}

/// <summary>Write the manifest (install) or delete it (uninstall, <paramref name="Content"/> null).</summary>
public sealed record SaveManifest(string Path, byte[]? Content) : InstallAction(Path)
{
    public override string Verb => Content is null ? "unlink" : "write";
    public override string Describe(InstallTarget target) => Content is null ? $"remove {target.Real(Path)}" : $"write {target.Real(Path)}";
}

/// <summary>Octal rendering of modes for messages.</summary>
public static class Modes
{
    public const UnixFileMode Directory = (UnixFileMode)0b111_101_101;
    public const UnixFileMode Program = Directory;
    public const UnixFileMode Data = (UnixFileMode)0b110_100_100;

    /// <summary>The queue directory: 2770 (setgid, so what is created in it gets the queue's group).</summary>
    public const UnixFileMode QueueDirectory = UnixFileMode.SetGroup | (UnixFileMode)0b111_111_000;

    /// <summary>The queue database: 0660, root and the queue's group.</summary>
    public const UnixFileMode QueueDatabase = (UnixFileMode)0b110_110_000;

    public static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8).PadLeft(3, '0');
}
