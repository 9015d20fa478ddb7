using System.Text;
using Microsoft.Win32.SafeHandles;

namespace MiniQmail.Cli.Edges;

/// <summary>
/// Raw access to the standard descriptors. The qmail-queue interface reads descriptor 1, and the
/// classic programs write bytes, so they use handles rather than <see cref="Console"/>.
/// </summary>
internal static class Stdio
{
    public static SafeFileHandle Handle(int fd) => new(fd, ownsHandle: false);

    private static Stream? _stderr;

    /// <summary>Writes one line to standard error, ignoring failures (nobody is left to tell).</summary>
    public static void Error(string line)
    {
        try
        {
            // Not a FileStream: on a regular file it writes at its own offset (pwrite) and would
            // overwrite what other processes appended to a shared log.
            _stderr ??= Console.OpenStandardError();
            _stderr.Write(Encoding.UTF8.GetBytes(line + "\n"));
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Writes bytes to standard error as they are (messages that quote input), ignoring failures.</summary>
    public static void ErrorBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
            return;
        try
        {
            _stderr ??= Console.OpenStandardError();
            _stderr.Write(bytes);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The <c>program: fatal: reason</c> line the conventions ask for.</summary>
    public static void Fatal(string program, string reason) => Error($"{program}: fatal: {reason}");

    public static void Warning(string program, string reason) => Error($"{program}: warning: {reason}");
}
