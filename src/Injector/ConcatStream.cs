namespace MiniQmail.Injector;

/// <summary>A few fixed bytes followed by a stream: how mailsubj and datemail put a header line in front of standard input.</summary>
public sealed class ConcatStream(byte[] head, Stream tail) : ReadOnlyStream
{
    private int _offset;

    public override int Read(Span<byte> buffer)
    {
        if (_offset >= head.Length)
            return tail.Read(buffer);
        var n = Math.Min(buffer.Length, head.Length - _offset);
        head.AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        return n;
    }
}
