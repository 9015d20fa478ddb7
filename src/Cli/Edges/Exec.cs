using System.Runtime.InteropServices;

namespace MiniQmail.Cli.Edges;

/// <summary>execvp(3): replace this process with another program found through PATH.</summary>
internal static partial class Exec
{
    [LibraryImport("libc", EntryPoint = "execvp", SetLastError = true)]
    private static partial int ExecVp(IntPtr file, IntPtr[] argv);

    [LibraryImport("libc", EntryPoint = "strerror")]
    private static partial IntPtr StrError(int errno);

    /// <summary>Only returns when the exec failed, with the reason.</summary>
    public static string Replace(string program, IReadOnlyList<string> args)
    {
        var argv = new IntPtr[args.Count + 2];
        try
        {
            argv[0] = Marshal.StringToCoTaskMemUTF8(program);
            for (var i = 0; i < args.Count; i++)
                argv[i + 1] = Marshal.StringToCoTaskMemUTF8(args[i]);
            Console.Out.Flush();
            ExecVp(argv[0], argv);
            var errno = Marshal.GetLastPInvokeError();
            return Marshal.PtrToStringUTF8(StrError(errno)) ?? $"error {errno}";
        }
        finally
        {
            foreach (var p in argv)
                Marshal.FreeCoTaskMem(p);
        }
    }
}
