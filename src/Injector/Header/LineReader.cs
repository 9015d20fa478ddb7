namespace MiniQmail.Injector.Header;

/// <summary>
/// Reads LF-terminated lines from a stream for the header phase, then hands the rest of the
/// stream over unchanged. Buffered, so the body never goes through line splitting.
/// </summary>
public sealed class LineReader(Stream input, int bufferSize = 64 * 1024)
{
    private readonly byte[] _buffer = new byte[bufferSize];
    private int _start;
    private int _end;
    private bool _eof;

    /// <summary>
    /// Reads one line into <paramref name="line"/> (cleared first), adding the LF a last partial
    /// line lacks (qmail-inject.md §5). False at end of input. Stops with
    /// <paramref name="tooLong"/> once the line exceeds <paramref name="limit"/> bytes.
    /// </summary>
    public bool ReadLine(List<byte> line, long limit, out bool tooLong)
    {
        line.Clear();
        tooLong = false;
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var newline = span.IndexOf((byte)'\n');
            var take = newline >= 0 ? newline + 1 : span.Length;
            if (line.Count + take > limit)
            {
                tooLong = true;
                return true;
            }
            line.Append(span[..take]);
            _start += take;
            if (newline >= 0)
                return true;
            if (!Fill())
            {
                if (line.Count == 0)
                    return false;
                line.Add((byte)'\n');
                return true;
            }
        }
    }

    /// <summary>
    /// Copies everything not yet read to <paramref name="write"/>, in buffer-sized pieces, and
    /// adds a final LF when the input does not end with one. Returns the number of bytes read.
    /// </summary>
    public long CopyRest(Action<ReadOnlySpan<byte>> write)
    {
        long total = 0;
        byte last = (byte)'\n';
        do
        {
            if (_end > _start)
            {
                var span = _buffer.AsSpan(_start, _end - _start);
                write(span);
                total += span.Length;
                last = span[^1];
                _start = _end;
            }
        }
        while (Fill());
        if (last != '\n')
            write("\n"u8);
        return total;
    }

    private bool Fill()
    {
        if (_eof)
            return false;
        _start = 0;
        _end = input.Read(_buffer, 0, _buffer.Length);
        if (_end == 0)
            _eof = true;
        return !_eof;
    }
}
