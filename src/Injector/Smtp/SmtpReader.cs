namespace MiniQmail.Injector.Smtp;

/// <summary>
/// The one reader of an SMTP client's input: command lines (with a length cap) and, after DATA,
/// the message as a stream that ends at the lone dot.
/// </summary>
public sealed class SmtpReader(Stream input)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _eof;

    /// <summary>
    /// Reads up to and including the next LF, or <paramref name="max"/> bytes, or what is left;
    /// 0 at end of input. A line shorter than the buffer always comes whole, so a lone dot is
    /// never split from its line end.
    /// </summary>
    public int ReadPiece(Span<byte> destination, int max)
    {
        max = Math.Min(max, destination.Length);
        while (true)
        {
            var available = _end - _start;
            var newline = _buffer.AsSpan(_start, Math.Min(available, max)).IndexOf((byte)'\n');
            if (newline >= 0 || available >= max || (available > 0 && _eof))
            {
                var n = newline >= 0 ? newline + 1 : Math.Min(available, max);
                _buffer.AsSpan(_start, n).CopyTo(destination);
                _start += n;
                return n;
            }
            if (_eof)
                return 0;
            if (_start > 0)
            {
                _buffer.AsSpan(_start, available).CopyTo(_buffer);
                _start = 0;
                _end = available;
            }
            if (_end == _buffer.Length)
            {
                var n = Math.Min(available, max);
                _buffer.AsSpan(0, n).CopyTo(destination);
                _start = n;
                return n;
            }
            var read = input.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
                _eof = true;
            _end += read;
        }
    }

    /// <summary>
    /// A command line without its CR LF (or LF); null at end of input. A line longer than
    /// <paramref name="max"/> is read to its end and reported through <paramref name="tooLong"/>.
    /// </summary>
    public byte[]? ReadCommand(int max, out bool tooLong)
    {
        tooLong = false;
        var line = new List<byte>();
        var piece = new byte[1024];
        while (true)
        {
            var n = ReadPiece(piece, piece.Length);
            if (n == 0)
                return line.Count == 0 && !tooLong ? null : Trim(line);
            if (line.Count + n > max)
                tooLong = true;
            else
                line.Append(piece.AsSpan(0, n));
            if (piece[n - 1] == '\n')
                return Trim(line);
        }
    }

    private static byte[] Trim(List<byte> line)
    {
        var n = line.Count;
        if (n > 0 && line[n - 1] == '\n')
            n--;
        if (n > 0 && line[n - 1] == '\r')
            n--;
        return [.. line.GetRange(0, n)];
    }

}
