namespace MiniQmail.Installer.Files;

/// <summary>
/// Moves a file or symbolic link so that it can be put back byte for byte: a rename keeps
/// content, mode, owner and even the inode. Across file systems (EXDEV) the copy is made by hand
/// with the same content, mode and owner, flushed, and only then is the original removed.
/// </summary>
public static class Mover
{
    public static bool TryMove(string from, string to, out string? error)
    {
        var errno = Unix.Rename(from, to, out error);
        if (errno == 0)
            return Unix.TrySyncDirectory(Path.GetDirectoryName(to)!, out error);
        if (errno != Unix.EXDev)
            return false;
        var source = FileSnapshot.Take(from);
        try
        {
            switch (source.Kind)
            {
                case EntryKind.Link:
                    File.CreateSymbolicLink(to, source.LinkTarget!);
                    if (!Unix.TrySetOwner(to, source.Uid, source.Gid, out error))
                        return false;
                    File.Delete(from);
                    return true;
                case EntryKind.File:
                    if (!AtomicFile.TryCopy(from, to, source.Mode, out error, (source.Uid, source.Gid)))
                        return false;
                    File.Delete(from);
                    return true;
                default:
                    error = "not a file or a symbolic link";
                    return false;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = e.Message;
            return false;
        }
    }
}
