using MiniQmail.Cli.Edges;
using MiniQmail.Control;
using MiniQmail.Qmqp.Codec;
using MiniQmail.Qmqp.Transport;
using Microsoft.Win32.SafeHandles;

namespace MiniQmail.Cli.Classic;

/// <summary>
/// qmail-qmqpc (and qmail-queue, its link): the message on descriptor 0, the envelope read from
/// descriptor 1, handed to the first QMQP server that takes it. Arguments are ignored, as in
/// the original. The steps run in the original's order, because the order decides which exit
/// code wins (qmqp.md §3.2).
/// </summary>
internal static class QmqpcProgram
{
    public static int Run(string program, ProcessEnvironment env) =>
        Run(program, env, Stdio.Handle(0), Stdio.Handle(1));

    public static int Run(string program, ProcessEnvironment env, SafeFileHandle messageFd, SafeFileHandle envelopeFd)
    {
        var configCode = Submission.LoadConfig(program, env, out var config);
        if (configCode != QueueExitCode.Success)
            return configCode;

        if (!IsOpen(program, messageFd, "message") || !IsOpen(program, envelopeFd, "envelope"))
            return QueueExitCode.ReadError;
        var spool = MessageSpool.FromHandle(messageFd, env.TempDirectory, out var message, out var spoolError);
        if (spool != SpoolFailure.None)
        {
            Stdio.Fatal(program, spool == SpoolFailure.ReadError ? $"unable to read the message: {spoolError}" : spoolError!);
            return spool == SpoolFailure.ReadError ? QueueExitCode.ReadError : QueueExitCode.WriteError;
        }
        using (message)
        {
            var envelopeCode = ReadEnvelope(envelopeFd, out var envelope, out var envelopeError);
            if (envelopeCode != QueueExitCode.Success)
            {
                Stdio.Fatal(program, envelopeError!);
                return envelopeCode;
            }
            return Submission.Submit(program, env, config!, message!, envelope!);
        }
    }

    /// <summary>
    /// False (with the fatal line) for a descriptor the caller left closed: its number may since
    /// belong to one of the runtime's own pipes, and reading that would block for ever.
    /// </summary>
    private static bool IsOpen(string program, SafeFileHandle handle, string what)
    {
        var fd = (int)handle.DangerousGetHandle();
        if (Posix.IsInherited(fd))
            return true;
        Stdio.Fatal(program, $"unable to read the {what}: descriptor {fd} is not open");
        return false;
    }

    /// <summary>Reads the envelope from its descriptor: 54 on a read error, 91 on a format error.</summary>
    internal static int ReadEnvelope(SafeFileHandle fd, out Envelope? envelope, out string? error)
    {
        envelope = null;
        error = null;
        var reader = new EnvelopeReader();
        var buffer = new byte[4096];
        try
        {
            using var stream = new FileStream(fd, FileAccess.Read, bufferSize: 0);
            while (true)
            {
                var n = stream.Read(buffer);
                var status = n == 0 ? reader.Finish() : reader.Feed(buffer.AsSpan(0, n), out _);
                if (status == ScanStatus.Done)
                {
                    envelope = reader.Result;
                    return QueueExitCode.Success;
                }
                if (status == ScanStatus.Invalid)
                {
                    error = $"envelope format error: {reader.Error}";
                    return QueueExitCode.EnvelopeFormatError;
                }
            }
        }
        catch (UnauthorizedAccessException)
        {
            error = $"unable to read the envelope: descriptor {(int)fd.DangerousGetHandle()} is not open for reading";
            return QueueExitCode.ReadError;
        }
        catch (Exception e) when (e is IOException or ArgumentException)
        {
            error = $"unable to read the envelope: {e.Message}";
            return QueueExitCode.ReadError;
        }
    }
}
