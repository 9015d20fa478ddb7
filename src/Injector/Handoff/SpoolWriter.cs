using Microsoft.Win32.SafeHandles;
using MiniQmail.Qmqp.Transport;

namespace MiniQmail.Injector.Handoff;

/// <summary>
/// A write-only stream that keeps a message in memory up to a threshold and moves it to an
/// unlinked temporary file beyond that, so a 1 GiB body costs disk, not memory. The result is a
/// <see cref="MessageSource"/> the QMQP client can read once per server it tries.
/// </summary>
public sealed class SpoolWriter(string tempDirectory, int memoryThreshold = MessageSpool.DefaultMemoryThreshold) : Stream
{
    private MemoryStream? _memory = new();
    private SafeFileHandle? _file;
    private long _length;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

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

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _file?.Dispose();
        base.Dispose(disposing);
    }
}
