using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MiniQmail.Qmqp.Transport;

/// <summary>The few POSIX calls .NET does not expose.</summary>
internal static partial class Posix
{
    private const int SeekCur = 1;

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
}
