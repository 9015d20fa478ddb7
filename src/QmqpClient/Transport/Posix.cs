using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MiniQmail.Qmqp.Transport;

/// <summary>The few POSIX calls .NET does not expose.</summary>
public static partial class Posix
{
    private const int SeekCur = 1;
    private const int GetDescriptorFlags = 1; // F_GETFD
    private const int CloseOnExec = 1; // FD_CLOEXEC

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static partial long LSeek(int fd, long offset, int whence);

    /// <summary>
    /// The descriptor's current offset, when it has one. Regular files do; pipes, sockets and
    /// terminals fail with ESPIPE, which tells us the input must be spooled to learn its length.
    /// </summary>
    public static bool TryGetOffset(SafeFileHandle handle, out long offset)
    {
        offset = LSeek((int)handle.DangerousGetHandle(), 0, SeekCur);
        return offset >= 0;
    }

    /// <summary>
    /// Whether descriptor <paramref name="fd"/> was handed to this process by its caller. A
    /// descriptor the caller left closed may since have been taken by the runtime for its own
    /// pipes (reading one would block for ever); those are created close-on-exec, while anything
    /// inherited across exec cannot carry that flag.
    /// </summary>
    public static bool IsInherited(int fd)
    {
        var flags = Fcntl(fd, GetDescriptorFlags);
        return flags >= 0 && (flags & CloseOnExec) == 0;
    }
}
