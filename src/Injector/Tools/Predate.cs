using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using MiniQmail.Injector.Handoff;
using MiniQmail.Injector.Header;

namespace MiniQmail.Injector.Tools;

/// <summary>
/// predate (tools.md): runs a child (found through PATH) with a local-time Date field and then
/// standard input on its standard input; the exit status is the child's.
/// </summary>
public static class Predate
{
    /// <summary>The field predate writes: <c>Date: 4 Jan 2024 22:04:05 -0500</c> LF.</summary>
    public static byte[] DateLine(TimeProvider clock, TimeZoneInfo zone) =>
        Encoding.ASCII.GetBytes("Date: " + Stamps.LocalDate(clock.GetUtcNow().ToUnixTimeSeconds(), zone) + "\n");

    public static (int ExitCode, string Diagnostic) Run(IReadOnlyList<byte[]> args, IReadOnlyList<byte[]> environment,
        TimeProvider clock, TimeZoneInfo zone, Stream input)
    {
        if (args.Count == 0)
            return (100, "predate: usage: predate child\n");
        if (!Spawn.TryPipe(out var readEnd, out var writeEnd))
            return (111, "predate: fatal: unable to create pipe: too many open files\n");
        var rc = Spawn.Start(args[0], args, environment, [(0, readEnd)], null, searchPath: true, out var pid);
        Spawn.Close(readEnd);
        if (rc != 0)
        {
            Spawn.Close(writeEnd);
            return (111, $"predate: fatal: unable to run {Encoding.UTF8.GetString(args[0])}: {Marshal.GetPInvokeErrorMessage(rc)}\n");
        }
        using (var pipe = new FileStream(new SafeFileHandle(writeEnd, ownsHandle: true), FileAccess.Write, bufferSize: 0))
        {
            try
            {
                pipe.Write(DateLine(clock, zone));
                input.CopyTo(pipe);
            }
            catch (IOException)
            {
                // The child stopped reading; its exit status tells the rest.
            }
        }
        var code = Spawn.Wait(pid, out var crashed);
        if (code is { } exit)
            return (exit, "");
        return (111, crashed ? "predate: fatal: child crashed\n" : "predate: fatal: wait failed\n");
    }
}
