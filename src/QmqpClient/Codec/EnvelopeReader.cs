namespace MiniQmail.Qmqp.Codec;

/// <summary>
/// A resumable reader of the qmail-queue envelope (descriptor 1), fed in pieces of any size.
/// It stops at the terminating extra NUL and never consumes a byte after it, as qmail-queue
/// does not read past it.
/// </summary>
/// <remarks>
/// Rules (qmqp.md §3.1): the first NUL-terminated item must be at least two bytes and start
/// with 'F'; every later item of two or more bytes must start with 'T'; a lone NUL ends the
/// list. Input that ends before that NUL is a format error, reported by <see cref="Finish"/>.
/// </remarks>
public sealed class EnvelopeReader
{
    private readonly List<byte[]> _recipients = [];
    private readonly List<byte> _item = [];
    private readonly long _maxBytes;
    private long _total;
    private byte[]? _sender;
    private bool _done;

    /// <param name="maxBytes">
    /// Cap on the envelope's total size; past it the envelope is rejected rather than held in
    /// memory without bound.
    /// </param>
    public EnvelopeReader(long maxBytes = 64L * 1024 * 1024) => _maxBytes = maxBytes;

    public string? Error { get; private set; }

    /// <summary>The envelope, once <see cref="Feed"/> returned Done.</summary>
    public Envelope? Result => _done && Error is null ? new Envelope(_sender!, _recipients) : null;

    public ScanStatus Feed(ReadOnlySpan<byte> input, out int consumed)
    {
        consumed = 0;
        if (Error is not null)
            return ScanStatus.Invalid;
        if (_done)
            return ScanStatus.Done;
        while (consumed < input.Length)
        {
            var rest = input[consumed..];
            var nul = rest.IndexOf((byte)0);
            var take = nul < 0 ? rest.Length : nul;
            _total += take + (nul < 0 ? 0 : 1);
            if (_total > _maxBytes)
                return Fail($"envelope longer than {_maxBytes} bytes");
            foreach (var b in rest[..take])
                _item.Add(b);
            consumed += take;
            if (nul < 0)
                return ScanStatus.NeedMoreData;
            consumed++; // the NUL
            var status = CompleteItem();
            if (status != ScanStatus.NeedMoreData)
                return status;
        }
        return ScanStatus.NeedMoreData;
    }

    /// <summary>Call at end of input: Done if the envelope was complete, else Invalid.</summary>
    public ScanStatus Finish()
    {
        if (Error is not null)
            return ScanStatus.Invalid;
        if (_done)
            return ScanStatus.Done;
        return Fail(_total == 0 ? "envelope is empty" : "envelope ends before its terminating NUL");
    }

    private ScanStatus CompleteItem()
    {
        if (_sender is null)
        {
            if (_item.Count < 1 || _item[0] != (byte)'F')
                return Fail("envelope does not start with F");
            _sender = _item.GetRange(1, _item.Count - 1).ToArray();
        }
        else if (_item.Count == 0)
        {
            _done = true;
            return ScanStatus.Done;
        }
        else
        {
            if (_item[0] != (byte)'T')
                return Fail("envelope recipient does not start with T");
            _recipients.Add(_item.GetRange(1, _item.Count - 1).ToArray());
        }
        _item.Clear();
        return ScanStatus.NeedMoreData;
    }

    private ScanStatus Fail(string error)
    {
        Error = error;
        return ScanStatus.Invalid;
    }
}
