namespace MiniQmail.Installer.Files;

/// <summary>What a path names, not following a final symbolic link.</summary>
public enum EntryKind
{
    Missing,
    Directory,
    File,
    Link,
    /// <summary>A device, socket or fifo: never ours to replace.</summary>
    Other,
}

/// <summary>
/// The state of one path as the planner saw it. The planner decides only from snapshots, so a
/// plan is a pure function of what was on disk when it was made.
/// </summary>
public sealed record FileSnapshot(string Path, EntryKind Kind, UnixFileMode Mode, int Uid, int Gid, string? LinkTarget, long Length)
{
    public static FileSnapshot Missing(string path) => new(path, EntryKind.Missing, 0, -1, -1, null, 0);

    public bool Exists => Kind != EntryKind.Missing;

    /// <summary>Looks at a path on the real file system; an unreadable path counts as <see cref="EntryKind.Other"/>.</summary>
    public static FileSnapshot Take(string path)
    {
        if (!Unix.TryStat(path, out var stat, out var missing, out _))
            return missing ? Missing(path) : new FileSnapshot(path, EntryKind.Other, 0, -1, -1, null, 0);
        var kind = stat.Type switch
        {
            Unix.TypeDirectory => EntryKind.Directory,
            Unix.TypeFile => EntryKind.File,
            Unix.TypeLink => EntryKind.Link,
            _ => EntryKind.Other,
        };
        var target = kind == EntryKind.Link ? new FileInfo(path).LinkTarget : null;
        return new FileSnapshot(path, kind, (UnixFileMode)stat.Permissions, stat.Uid, stat.Gid, target, stat.Size);
    }
}
