using System.Globalization;
using System.Runtime.InteropServices;

namespace MiniQmail.Bench;

/// <summary>
/// Processor time, for figures that say where a run's CPU went: the children this process has
/// waited for (getrusage), and a process still running (its scheduler statistics).
/// </summary>
internal static partial class CpuTime
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Usage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        // The rest of struct rusage: 14 longs this bench does not read.
        public long R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10, R11, R12, R13;
    }

    private const int RusageChildren = -1;

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetRusage(int who, out Usage usage);

    private const int RusageSelf = 0;

    /// <summary>User plus system time of every child waited for so far.</summary>
    public static TimeSpan Children() => Get(RusageChildren);

    /// <summary>User plus system time of this process so far.</summary>
    public static TimeSpan Self() => Get(RusageSelf);

    private static TimeSpan Get(int who) =>
        GetRusage(who, out var u) != 0
            ? TimeSpan.Zero
            : TimeSpan.FromMicroseconds((u.UserSeconds + u.SystemSeconds) * 1_000_000 + u.UserMicroseconds + u.SystemMicroseconds);

    /// <summary>Time a live process has spent on a CPU, all threads (/proc/PID/schedstat, in nanoseconds).</summary>
    public static TimeSpan Of(int pid)
    {
        try
        {
            var fields = File.ReadAllText($"/proc/{pid}/schedstat").Split(' ');
            return TimeSpan.FromTicks(long.Parse(fields[0], CultureInfo.InvariantCulture) / 100);
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }
}
