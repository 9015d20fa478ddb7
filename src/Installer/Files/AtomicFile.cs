namespace MiniQmail.Installer.Files;

/// <summary>
/// The one way this project replaces a file: write a temporary file in the same directory, flush
/// it to disk, give it its mode (and owner), rename it over the target, flush the directory.
/// A reader sees the old content or the new, never a mix, and a running program that is replaced
/// keeps its old file. config-mini, install and anything else writing control files use this.
/// </summary>
public static class AtomicFile
{
    /// <summary>The mode of every control file (layout.md §2).</summary>
    public const UnixFileMode ControlFileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>; the reason on failure.</summary>
    public static bool TryWrite(string path, byte[] content, UnixFileMode mode, out string? error, (int Uid, int Gid)? owner = null) =>
        TryReplace(path, output => output.Write(content), mode, owner, out error);

    /// <summary>Copies the file <paramref name="source"/> to <paramref name="path"/> the same way.</summary>
    public static bool TryCopy(string source, string path, UnixFileMode mode, out string? error, (int Uid, int Gid)? owner = null) =>
        TryReplace(path, output =>
        {
            using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            input.CopyTo(output);
        }, mode, owner, out error);

    private static bool TryReplace(string path, Action<Stream> fill, UnixFileMode mode, (int Uid, int Gid)? owner, out string? error)
    {
        var temp = TempName(path);
        try
        {
            TryDelete(temp); // left over from a run that was killed
            // Created with owner-only permissions: nobody else can open it before it is complete.
            using (var output = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                BufferSize = 1 << 16,
            }))
            {
                fill(output);
                output.Flush(flushToDisk: true);
            }
            return TryPublish(temp, path, mode, owner, out error);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            error = e.Message;
            return false;
        }
    }

    private static bool TryPublish(string temp, string path, UnixFileMode mode, (int Uid, int Gid)? owner, out string? error)
    {
        // Owner before mode: chown clears the setuid and setgid bits.
        if (owner is { } o && !Unix.TrySetOwner(temp, o.Uid, o.Gid, out error))
        {
            TryDelete(temp);
            return false;
        }
        File.SetUnixFileMode(temp, mode);
        File.Move(temp, path, overwrite: true);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return Unix.TrySyncDirectory(directory, out error);
    }

    private static string TempName(string path)
    {
        var full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.tmp{Environment.ProcessId}");
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
