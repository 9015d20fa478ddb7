using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MiniQmail.Injector.Tools;

/// <summary>flock(2), which .NET does not expose as a waiting exclusive lock.</summary>
internal static partial class FileLock
{
    private const int LockExclusive = 2;
    private const int EIntr = 4;

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    /// <summary>Waits for an exclusive lock on the file; null on success, else the errno.</summary>
    public static int? Exclusive(SafeFileHandle file)
    {
        while (Flock((int)file.DangerousGetHandle(), LockExclusive) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EIntr)
                return errno;
        }
        return null;
    }
}
