namespace MiniQmail.Injector.Smtp;

/// <summary>
/// The message of one DATA command as a readable stream (RFC 5321 §4.5.2): CR LF becomes LF,
/// a leading dot is removed, and a line holding a single dot ends it. Input that ends before
/// that line is an error, so a cut-off message is never queued.
/// </summary>
public sealed class SmtpDataStream(SmtpReader reader) : ReadOnlyStream
{
    private readonly byte[] _piece = new byte[64 * 1024];
    private int _pieceStart;
    private int _pieceEnd;
    private bool _atLineStart = true;
    private bool _heldCr;
    private bool _done;

    public bool Completed => _done;

    public override int Read(Span<byte> buffer)
    {
        while (_pieceStart == _pieceEnd)
        {
            if (_done || !NextPiece())
                return 0;
        }
        var n = Math.Min(buffer.Length, _pieceEnd - _pieceStart);
        _piece.AsSpan(_pieceStart, n).CopyTo(buffer);
        _pieceStart += n;
        return n;
    }

    /// <summary>Reads to the end of the message, whatever the consumer left.</summary>
    public void Drain()
    {
        Span<byte> sink = stackalloc byte[4096];
        while (Read(sink) > 0)
        {
        }
    }

    private bool NextPiece()
    {
        // One byte of room for a CR held back from the previous piece.
        var n = reader.ReadPiece(_piece.AsSpan(1), _piece.Length - 1);
        if (n == 0)
            throw new IOException("input ended inside DATA");
        var piece = _piece.AsSpan(1, n);
        var lineStart = _atLineStart;
        var endsLine = piece[^1] == '\n';
        _atLineStart = endsLine;
        if (lineStart && (piece.SequenceEqual(".\r\n"u8) || piece.SequenceEqual(".\n"u8)))
        {
            _done = true;
            _pieceStart = _pieceEnd = 0;
            return false;
        }
        var start = 1;
        if (lineStart && piece[0] == '.')
            start++;
        var end = 1 + n;
        if (endsLine && end - start >= 2 && _piece[end - 2] == '\r')
        {
            _piece[end - 2] = (byte)'\n';
            end--;
        }
        else if (endsLine && end - start == 1 && _heldCr)
            _heldCr = false; // the CR held back ends this line: dropped
        if (_heldCr)
        {
            _piece[--start] = (byte)'\r';
            _heldCr = false;
        }
        if (!endsLine && end > start && _piece[end - 1] == '\r')
        {
            _heldCr = true;
            end--;
        }
        _pieceStart = start;
        _pieceEnd = end;
        return true;
    }
}
