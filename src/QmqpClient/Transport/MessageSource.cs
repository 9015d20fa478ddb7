using Microsoft.Win32.SafeHandles;

namespace MiniQmail.Qmqp.Transport;

/// <summary>
/// A message of known length that can be read from any offset, any number of times (once per
/// server tried). Either a buffer or a file read positionally, so memory use does not grow with
/// the message size.
/// </summary>
public abstract class MessageSource : IDisposable
{
    public abstract long Length { get; }

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes at <paramref name="offset"/> (0 from the message start).</summary>
    public abstract int Read(long offset, Span<byte> buffer);

    public static MessageSource FromBytes(ReadOnlyMemory<byte> bytes) => new MemoryMessage(bytes);

    /// <summary>A window of a seekable file; the handle stays the caller's unless <paramref name="ownsHandle"/>.</summary>
    public static MessageSource FromFile(SafeFileHandle handle, long offset, long length, bool ownsHandle) =>
        new FileMessage(handle, offset, length, ownsHandle);

    /// <summary>A stream view from the start, for copying the message elsewhere.</summary>
    public Stream OpenRead() => new SourceStream(this);

    /// <summary>Writes the whole message to <paramref name="destination"/>.</summary>
    public void CopyTo(Stream destination, int bufferSize = 64 * 1024)
    {
        var buffer = new byte[(int)Math.Min(bufferSize, Math.Max(1, Length))];
        long offset = 0;
        while (offset < Length)
        {
            var n = Read(offset, buffer);
            if (n == 0)
                throw new IOException("message shrank while it was being read");
            destination.Write(buffer, 0, n);
            offset += n;
        }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    private sealed class MemoryMessage(ReadOnlyMemory<byte> bytes) : MessageSource
    {
        public override long Length => bytes.Length;

        public override int Read(long offset, Span<byte> buffer)
        {
            var available = bytes.Span[(int)offset..];
            var n = Math.Min(available.Length, buffer.Length);
            available[..n].CopyTo(buffer);
            return n;
        }
    }

    private sealed class FileMessage(SafeFileHandle handle, long start, long length, bool ownsHandle) : MessageSource
    {
        public override long Length => length;

        public override int Read(long offset, Span<byte> buffer)
        {
            var want = (int)Math.Min(buffer.Length, length - offset);
            return want <= 0 ? 0 : RandomAccess.Read(handle, buffer[..want], start + offset);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && ownsHandle)
                handle.Dispose();
        }
    }

    private sealed class SourceStream(MessageSource source) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => source.Length;

        public override long Position
        {
            get => _position;
            set => _position = Math.Clamp(value, 0, source.Length);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = source.Read(_position, buffer);
            _position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => source.Length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
