using System.Runtime.InteropServices;

namespace MiniQmail.Queue.Flush;

/// <summary>
/// Linux's idle scheduling class (sched_setscheduler SCHED_IDLE) for the calling thread: it runs
/// on processor time no other thread wants, and on a host whose processors are all busy it still
/// gets a small share (the kernel weighs it 3 against a normal thread's 1024), so its work slows
/// there rather than stops. An unprivileged thread cannot leave the class again: give it only to
/// a thread made for the purpose.
/// </summary>
internal static partial class IdleScheduling
{
    private const int SchedIdle = 5;

    /// <summary>struct sched_param: the static priority, 0 for the idle class.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam
    {
        public int Priority;
    }

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int SchedSetScheduler(int pid, int policy, in SchedParam param);

    /// <summary>Puts the calling thread into the idle class; false where that is not possible (not Linux, or refused).</summary>
    public static bool TryEnter() => OperatingSystem.IsLinux() && SchedSetScheduler(0, SchedIdle, default) == 0;

    /// <summary>Whether the calling thread is in the idle class (for tests).</summary>
    public static bool IsIdle() => OperatingSystem.IsLinux() && SchedGetScheduler(0) == SchedIdle;

    [LibraryImport("libc", EntryPoint = "sched_getscheduler")]
    private static partial int SchedGetScheduler(int pid);
}
