using Microsoft.Win32.SafeHandles;
using MiniQmail.Qmqp.Codec;

namespace MiniQmail.Injector.Handoff;

/// <summary>
/// A queue program run as a child (QMAILQUEUE): the message on its descriptor 0, the envelope on
/// its descriptor 1, an error-text pipe on descriptor 6, standard error inherited, started in
/// the home directory (qmail-inject.md §11).
/// </summary>
public sealed class SpawnedQueueProgram : IQueueProgram
{
    private const int ExecFailed = 120;
    private const int ErrorTextMax = 255;

    private readonly int _pid;
    private readonly FileStream? _message;
    private readonly int _envelopeWrite;
    private readonly int _errorRead;
    private bool _finished;

    private SpawnedQueueProgram(int pid, FileStream? message, int envelopeWrite, int errorRead)
    {
        _pid = pid;
        _message = message;
        _envelopeWrite = envelopeWrite;
        _errorRead = errorRead;
    }

    public Stream Message => (Stream?)_message ?? Stream.Null;

    /// <summary>The child's pid, or -1 when it could not be executed.</summary>
    public int ProcessId => _pid;

    /// <summary>
    /// Starts <paramref name="program"/> (no PATH search, no arguments but its name). Returns null
    /// when the pipes or the child cannot be created; a program that cannot be executed gives a
    /// queue program whose result is exit 120, as the original's child reports it.
    /// </summary>
    public static SpawnedQueueProgram? Start(byte[] program, byte[] home, IReadOnlyList<byte[]> environment)
    {
        if (!Spawn.TryPipe(out var messageRead, out var messageWrite))
            return null;
        if (!Spawn.TryPipe(out var envelopeRead, out var envelopeWrite))
        {
            CloseAll(messageRead, messageWrite);
            return null;
        }
        if (!Spawn.TryPipe(out var errorRead, out var errorWrite))
        {
            CloseAll(messageRead, messageWrite, envelopeRead, envelopeWrite);
            return null;
        }
        var rc = Spawn.Start(program, [program], environment,
            [(0, messageRead), (1, envelopeRead), (6, errorWrite)], home, searchPath: false, out var pid);
        CloseAll(messageRead, envelopeRead, errorWrite);
        if (rc != 0)
        {
            CloseAll(messageWrite, envelopeWrite, errorRead);
            // EAGAIN/ENOMEM: no child at all. Anything else is the exec (or chdir) failing in it.
            return rc is 11 or 12 ? null : new SpawnedQueueProgram(-1, null, -1, -1);
        }
        var message = new FileStream(new SafeFileHandle(messageWrite, ownsHandle: true), FileAccess.Write, bufferSize: 64 * 1024);
        return new SpawnedQueueProgram(pid, message, envelopeWrite, errorRead);
    }

    public QueueOutcome Finish(Envelope envelope)
    {
        _finished = true;
        if (_pid < 0)
            return QueueOutcome.Exited(ExecFailed);
        var writeFailed = !TryClose(_message!);
        using (var envelopeStream = new FileStream(new SafeFileHandle(_envelopeWrite, ownsHandle: true), FileAccess.Write, bufferSize: 0))
        {
            try
            {
                envelopeStream.Write(envelope.ToQueueForm());
            }
            catch (IOException)
            {
                writeFailed = true;
            }
        }
        byte[] errorText;
        using (var errorStream = new FileStream(new SafeFileHandle(_errorRead, ownsHandle: true), FileAccess.Read, bufferSize: 0))
            errorText = ReadUpTo(errorStream, ErrorTextMax);
        var code = Spawn.Wait(_pid, out var crashed);
        if (code is null)
            return new QueueOutcome(0, Crashed: crashed, WaitFailed: !crashed);
        // A write that failed is reported by qmail-inject itself when the program still exits 0.
        return new QueueOutcome(code.Value, ErrorText: errorText) with { WriteFailed = writeFailed };
    }

    public void Dispose()
    {
        if (_finished || _pid < 0)
            return;
        // Abandoned before the envelope: closing both pipes makes the child fail, and nothing is queued.
        _finished = true;
        TryClose(_message!);
        CloseAll(_envelopeWrite, _errorRead);
        Spawn.Wait(_pid, out _);
    }

    private static bool TryClose(Stream stream)
    {
        try
        {
            stream.Dispose();
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static byte[] ReadUpTo(Stream stream, int max)
    {
        var buffer = new byte[max];
        var total = 0;
        try
        {
            int n;
            while (total < max && (n = stream.Read(buffer, total, max - total)) > 0)
                total += n;
        }
        catch (IOException)
        {
        }
        return buffer[..total];
    }

    private static void CloseAll(params int[] fds)
    {
        foreach (var fd in fds)
            if (fd >= 0)
                Spawn.Close(fd);
    }
}
