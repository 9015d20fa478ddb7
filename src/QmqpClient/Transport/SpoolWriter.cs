using Microsoft.Win32.SafeHandles;

namespace MiniQmail.Qmqp.Transport;

/// <summary>
/// A write-only stream that keeps a message in memory up to a threshold and moves it to an
/// unlinked temporary file beyond that, so a 1 GiB body costs disk, not memory. The result is a
/// <see cref="MessageSource"/> the QMQP client can read once per server it tries.
/// </summary>
public sealed class SpoolWriter(string tempDirectory, int memoryThreshold = MessageSpool.DefaultMemoryThreshold) : WriteOnlyStream
{
    private MemoryStream? _memory = new();
    private SafeFileHandle? _file;
    private long _length;

    /// <summary>Bytes written so far.</summary>
    public long Written => _length;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_memory is not null && _memory.Length + buffer.Length <= memoryThreshold)
        {
            _memory.Write(buffer);
            _length += buffer.Length;
            return;
        }
        if (_file is null)
        {
            _file = MessageSpool.CreateUnlinkedTempFile(tempDirectory);
            RandomAccess.Write(_file, _memory!.GetBuffer().AsSpan(0, (int)_memory.Length), 0);
            _memory = null;
        }
        RandomAccess.Write(_file, buffer, _length);
        _length += buffer.Length;
    }

    /// <summary>The spooled message; the stream gives up its file to it.</summary>
    public MessageSource ToSource()
    {
        if (_file is null)
            return MessageSource.FromBytes(_memory!.GetBuffer().AsMemory(0, (int)_memory.Length));
        var source = MessageSource.FromFile(_file, 0, _length, ownsHandle: true);
        _file = null;
        return source;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _file?.Dispose();
        base.Dispose(disposing);
    }
}
