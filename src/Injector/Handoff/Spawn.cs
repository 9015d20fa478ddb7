using System.Runtime.InteropServices;

namespace MiniQmail.Injector.Handoff;

/// <summary>
/// posix_spawn with file actions, for children whose descriptors .NET's Process cannot set up:
/// qmail-queue reads its envelope from descriptor 1, so that descriptor must be the read end of
/// a pipe (qmail-inject.md §11).
/// </summary>
internal static unsafe partial class Spawn
{
    private const int OCloexec = 0x80000;
    private const int SpawnSetSigDef = 0x04;
    private const int SigPipe = 13;
    private const int EIntr = 4;

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    private static partial int Pipe2(int* fds, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
    private static partial int FileActionsInit(byte* actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
    private static partial int FileActionsDestroy(byte* actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
    private static partial int FileActionsAddDup2(byte* actions, int fd, int newFd);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addchdir_np")]
    private static partial int FileActionsAddChdir(byte* actions, byte* path);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_init")]
    private static partial int AttrInit(byte* attr);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_destroy")]
    private static partial int AttrDestroy(byte* attr);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setflags")]
    private static partial int AttrSetFlags(byte* attr, short flags);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigdefault")]
    private static partial int AttrSetSigDefault(byte* attr, byte* sigset);

    [LibraryImport("libc", EntryPoint = "sigemptyset")]
    private static partial int SigEmptySet(byte* set);

    [LibraryImport("libc", EntryPoint = "sigaddset")]
    private static partial int SigAddSet(byte* set, int signal);

    [LibraryImport("libc", EntryPoint = "posix_spawn")]
    private static partial int PosixSpawn(int* pid, byte* path, byte* actions, byte* attr, byte** argv, byte** envp);

    [LibraryImport("libc", EntryPoint = "posix_spawnp")]
    private static partial int PosixSpawnP(int* pid, byte* path, byte* actions, byte* attr, byte** argv, byte** envp);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static partial int WaitPid(int pid, int* status, int options);

    /// <summary>Creates a pipe whose ends are closed on exec; false on failure.</summary>
    public static bool TryPipe(out int readEnd, out int writeEnd)
    {
        var fds = stackalloc int[2];
        if (Pipe2(fds, OCloexec) != 0)
        {
            readEnd = writeEnd = -1;
            return false;
        }
        readEnd = fds[0];
        writeEnd = fds[1];
        return true;
    }

    /// <summary>
    /// Starts <paramref name="path"/> with <paramref name="argv"/> and <paramref name="envp"/>,
    /// each (child descriptor, parent descriptor) pair dup2'ed into place and, if given, in
    /// <paramref name="directory"/>. SIGPIPE is back to its default in the child. Returns 0 and
    /// the pid, or the errno of the failure (fork, chdir or exec).
    /// </summary>
    public static int Start(byte[] path, IReadOnlyList<byte[]> argv, IReadOnlyList<byte[]> envp,
        IReadOnlyList<(int Child, int Parent)> descriptors, byte[]? directory, bool searchPath, out int pid)
    {
        var actions = stackalloc byte[256];
        var attr = stackalloc byte[1024];
        var sigset = stackalloc byte[256];
        FileActionsInit(actions);
        AttrInit(attr);
        var pinned = new List<GCHandle>();
        try
        {
            foreach (var (target, parent) in descriptors)
                FileActionsAddDup2(actions, parent, target);
            if (directory is not null)
                FileActionsAddChdir(actions, Pin(directory, pinned));
            SigEmptySet(sigset);
            SigAddSet(sigset, SigPipe);
            AttrSetSigDefault(attr, sigset);
            AttrSetFlags(attr, SpawnSetSigDef);
            var args = stackalloc byte*[argv.Count + 1];
            for (var i = 0; i < argv.Count; i++)
                args[i] = Pin(argv[i], pinned);
            args[argv.Count] = null;
            var env = new IntPtr[envp.Count + 1];
            for (var i = 0; i < envp.Count; i++)
                env[i] = (IntPtr)Pin(envp[i], pinned);
            int child;
            int rc;
            fixed (IntPtr* envPointers = env)
            {
                var file = Pin(path, pinned);
                rc = searchPath
                    ? PosixSpawnP(&child, file, actions, attr, args, (byte**)envPointers)
                    : PosixSpawn(&child, file, actions, attr, args, (byte**)envPointers);
            }
            pid = rc == 0 ? child : -1;
            return rc;
        }
        finally
        {
            FileActionsDestroy(actions);
            AttrDestroy(attr);
            foreach (var handle in pinned)
                handle.Free();
        }
    }

    /// <summary>Waits for <paramref name="pid"/>: its exit code, or null with <paramref name="crashed"/> for a signal or a failed wait.</summary>
    public static int? Wait(int pid, out bool crashed)
    {
        crashed = false;
        int status;
        while (WaitPid(pid, &status, 0) < 0)
        {
            if (Marshal.GetLastPInvokeError() != EIntr)
                return null;
        }
        if ((status & 0x7f) == 0)
            return (status >> 8) & 0xff;
        crashed = true;
        return null;
    }

    /// <summary>A NUL-terminated pinned copy of <paramref name="bytes"/>, freed with the others.</summary>
    private static byte* Pin(byte[] bytes, List<GCHandle> pinned)
    {
        var copy = new byte[bytes.Length + 1];
        bytes.CopyTo(copy, 0);
        var handle = GCHandle.Alloc(copy, GCHandleType.Pinned);
        pinned.Add(handle);
        return (byte*)handle.AddrOfPinnedObject();
    }
}
