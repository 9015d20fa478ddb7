using System.Runtime.InteropServices;

namespace MiniQmail.Installer.Files;

/// <summary>
/// The POSIX calls .NET does not expose: owners (statx, lchown), the effective uid, fsync of a
/// directory, and the account database. statx is used because its layout is the same on every
/// architecture, unlike struct stat.
/// </summary>
internal static partial class Unix
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const int ORdOnly = 0;
    private const int ODirectory = 0x10000;
    private const int OCloExec = 0x80000;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LChown(string path, uint owner, uint group);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameCall(string from, string to);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "getpwnam", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetPwNam(string name);

    [LibraryImport("libc", EntryPoint = "getgrnam", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetGrNam(string name);

    [LibraryImport("libc", EntryPoint = "getpwuid")]
    private static partial IntPtr GetPwUid(uint uid);

    [LibraryImport("libc", EntryPoint = "getgrgid")]
    private static partial IntPtr GetGrGid(uint gid);

    [LibraryImport("libc", EntryPoint = "strerror")]
    private static partial IntPtr StrError(int errno);

    public static bool IsRoot => GetEuid() == 0;

    /// <summary>
    /// The type, mode, owner and size of a path, not following a final symbolic link; false with
    /// <paramref name="missing"/> set when nothing is there.
    /// </summary>
    public static unsafe bool TryStat(string path, out StatResult result, out bool missing, out string? error)
    {
        var buffer = stackalloc byte[256];
        result = default;
        error = null;
        missing = false;
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            missing = errno is ENoEnt or ENotDir;
            error = Describe(errno);
            return false;
        }
        // struct statx: stx_mask u32 @0, stx_blksize u32 @4, stx_attributes u64 @8, stx_nlink u32 @16,
        // stx_uid u32 @20, stx_gid u32 @24, stx_mode u16 @28, stx_ino u64 @32, stx_size u64 @40.
        var mode = *(ushort*)(buffer + 28);
        result = new StatResult(mode & 0xF000, mode & 0xFFF, *(int*)(buffer + 20), *(int*)(buffer + 24), *(long*)(buffer + 40), *(long*)(buffer + 32));
        return true;
    }

    /// <summary>Sets owner and group without following a final symbolic link.</summary>
    public static bool TrySetOwner(string path, int uid, int gid, out string? error)
    {
        error = null;
        if (LChown(path, (uint)uid, (uint)gid) == 0)
            return true;
        error = LastError();
        return false;
    }

    /// <summary>rename(2): moves a file, link or directory within one file system, replacing a file at the destination.</summary>
    /// <returns>0, or the errno (<see cref="EXDev"/> when the two paths are on different file systems).</returns>
    public static int Rename(string from, string to, out string? error)
    {
        error = null;
        if (RenameCall(from, to) == 0)
            return 0;
        var errno = Marshal.GetLastPInvokeError();
        error = Describe(errno);
        return errno;
    }

    public const int EXDev = 18;

    /// <summary>Flushes a directory, so that a rename or a new entry in it survives a crash.</summary>
    public static bool TrySyncDirectory(string path, out string? error)
    {
        error = null;
        var fd = Open(path, ORdOnly | ODirectory | OCloExec);
        if (fd < 0)
        {
            error = LastError();
            return false;
        }
        var ok = FSync(fd) == 0;
        if (!ok)
            error = LastError();
        _ = Close(fd);
        return ok;
    }

    /// <summary>The uid of an account, or null when there is none.</summary>
    public static int? UserId(string name)
    {
        // struct passwd: pw_name, pw_passwd (pointers), then pw_uid, pw_gid.
        var entry = GetPwNam(name);
        return entry == IntPtr.Zero ? null : Marshal.ReadInt32(entry, 2 * IntPtr.Size);
    }

    /// <summary>The gid of a group, or null when there is none.</summary>
    public static int? GroupId(string name)
    {
        // struct group: gr_name, gr_passwd (pointers), then gr_gid.
        var entry = GetGrNam(name);
        return entry == IntPtr.Zero ? null : Marshal.ReadInt32(entry, 2 * IntPtr.Size);
    }

    /// <summary>The name of a user id, or null when there is none.</summary>
    public static string? UserName(int uid)
    {
        // struct passwd: pw_name first.
        var entry = GetPwUid((uint)uid);
        return entry == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(entry));
    }

    /// <summary>The name of a group id, or null when there is none.</summary>
    public static string? GroupName(int gid)
    {
        // struct group: gr_name first.
        var entry = GetGrGid((uint)gid);
        return entry == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(entry));
    }

    private static string LastError() => Describe(Marshal.GetLastPInvokeError());

    private static string Describe(int errno) => Marshal.PtrToStringUTF8(StrError(errno)) ?? $"error {errno}";

    private const int ENoEnt = 2;
    private const int ENotDir = 20;
    public const int TypeMask = 0xF000;
    public const int TypeDirectory = 0x4000;
    public const int TypeFile = 0x8000;
    public const int TypeLink = 0xA000;
}

/// <summary>The fields of statx the installer needs: file type bits, permission bits, owner, size, inode.</summary>
internal readonly record struct StatResult(int Type, int Permissions, int Uid, int Gid, long Size, long Inode);
