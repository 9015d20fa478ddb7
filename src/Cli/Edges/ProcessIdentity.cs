using System.Runtime.InteropServices;

namespace MiniQmail.Cli.Edges;

/// <summary>The real user id of this process (recorded with each queued message).</summary>
internal static partial class ProcessIdentity
{
    [LibraryImport("libc", EntryPoint = "getuid")]
    private static partial uint GetUid();

    public static uint UserId => GetUid();
}
