using System.Globalization;

namespace MiniQmail.Queue.Flush;

/// <summary>
/// Names a flush run for its leases: <c>pid:start-time:nonce</c>. The start time (from
/// /proc/PID/stat) tells a live run from a dead one whose pid was reused, so the messages a
/// killed run had leased are freed by the next run at once instead of after the lease expires.
/// </summary>
public static class LeaseOwner
{
    public static string Create(int processId) =>
        string.Create(CultureInfo.InvariantCulture, $"{processId}:{StartTime(processId)}:{Guid.NewGuid():N}");

    public static bool IsAlive(string owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var parts = owner.Split(':');
        if (parts.Length < 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            return false;
        var start = StartTime(pid);
        return start.Length > 0 && start == parts[1];
    }

    /// <summary>Field 22 of /proc/PID/stat (clock ticks after boot), or "" when there is no such process.</summary>
    private static string StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 ? fields[19] : "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
