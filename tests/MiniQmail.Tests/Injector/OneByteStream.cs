namespace MiniQmail.Tests.Injector;

/// <summary>Gives its bytes one per read, as a slow pipe or client would: readers must not depend on chunking.</summary>
internal sealed class OneByteStream(byte[] data) : MiniQmail.Injector.ReadOnlyStream
{
    private int _offset;

    public override int Read(Span<byte> buffer)
    {
        if (_offset >= data.Length || buffer.IsEmpty)
            return 0;
        buffer[0] = data[_offset++];
        return 1;
    }
}
