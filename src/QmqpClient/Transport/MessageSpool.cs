using Microsoft.Win32.SafeHandles;

namespace MiniQmail.Qmqp.Transport;

/// <summary>Why reading a message into a <see cref="MessageSource"/> failed.</summary>
public enum SpoolFailure
{
    None,
    /// <summary>Reading the input failed (qmail-queue exit 54).</summary>
    ReadError,
    /// <summary>Writing the temporary file failed, e.g. a full disk (qmail-queue exit 53).</summary>
    WriteError,
}

/// <summary>
/// Turns an input of unknown length into a <see cref="MessageSource"/>: small messages stay in
/// memory, larger ones go to an unlinked temporary file, so memory stays bounded whatever the
/// size. A regular file is used in place, with no copy at all.
/// </summary>
public static class MessageSpool
{
    /// <summary>Messages up to this size are kept in memory.</summary>
    public const int DefaultMemoryThreshold = 1024 * 1024;

    /// <summary>
    /// Uses <paramref name="handle"/> in place when it is a regular file (from its current offset
    /// to its end); otherwise reads it to the end through <see cref="Spool"/>.
    /// </summary>
    public static SpoolFailure FromHandle(SafeFileHandle handle, string tempDirectory, out MessageSource? message, out string? error)
    {
        message = null;
        error = null;
        if (Posix.TryGetOffset(handle, out var offset))
        {
            try
            {
                var length = RandomAccess.GetLength(handle);
                // Seekable is not enough (directories seek too): read a byte now, so that an
                // unreadable input fails here (54) and not in the middle of a conversation.
                Span<byte> probe = stackalloc byte[1];
                RandomAccess.Read(handle, probe, offset);
                message = MessageSource.FromFile(handle, offset, Math.Max(0, length - offset), ownsHandle: false);
                return SpoolFailure.None;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                error = e.Message;
                return SpoolFailure.ReadError;
            }
        }
        using var stream = new FileStream(handle, FileAccess.Read, 0);
        return Spool(stream, tempDirectory, DefaultMemoryThreshold, out message, out error);
    }

    /// <summary>Reads <paramref name="input"/> to its end into memory or, past the threshold, a temporary file.</summary>
    public static SpoolFailure Spool(Stream input, string tempDirectory, int memoryThreshold, out MessageSource? message, out string? error)
    {
        message = null;
        error = null;
        using var spool = new SpoolWriter(tempDirectory, memoryThreshold);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            int n;
            try
            {
                n = input.Read(buffer);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error = e.Message;
                return SpoolFailure.ReadError;
            }
            if (n == 0)
                break;
            try
            {
                spool.Write(buffer.AsSpan(0, n));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error = $"unable to write a temporary file in {tempDirectory}: {e.Message}";
                return SpoolFailure.WriteError;
            }
        }
        message = spool.ToSource();
        return SpoolFailure.None;
    }

    /// <summary>A private (0600) temporary file, unlinked at once so that nothing is left behind if the process dies.</summary>
    public static SafeFileHandle CreateUnlinkedTempFile(string directory)
    {
        var path = Path.Combine(directory, $"mini-qmail.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None,
            preallocationSize: 0);
        File.SetUnixFileMode(handle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Delete(path);
        return handle;
    }

    /// <summary>Where temporary files go: $TMPDIR, else /tmp.</summary>
    public static string DefaultTempDirectory(Func<string, string?> getVariable) =>
        getVariable("TMPDIR") is { Length: > 0 } dir ? dir : "/tmp";
}
