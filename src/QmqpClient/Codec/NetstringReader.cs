namespace MiniQmail.Qmqp.Codec;

/// <summary>What a call to <see cref="NetstringReader.Feed"/> found.</summary>
public enum ScanStatus
{
    /// <summary>A complete value was read.</summary>
    Done,
    /// <summary>Everything offered was consumed and more is needed.</summary>
    NeedMoreData,
    /// <summary>The input can never become a valid value; nothing more should be fed.</summary>
    Invalid,
}

/// <summary>
/// A resumable, strict netstring reader: feed it bytes as they arrive, in pieces of any size. It
/// does no I/O and never reads past the end of the netstring, so whatever follows stays with the
/// caller. Lengths must be plain decimal without leading zeros and at most
/// <see cref="MaxLength"/>, so a hostile peer cannot make it buffer more than that.
/// </summary>
public sealed class NetstringReader
{
    private enum State { FirstDigit, Digits, Content, Comma, Finished, Failed }

    private State _state = State.FirstDigit;
    private long _length;
    private byte[] _content = [];
    private int _filled;

    public NetstringReader(int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        MaxLength = maxLength;
    }

    public int MaxLength { get; }

    /// <summary>Why the input was rejected, once <see cref="Feed"/> returned Invalid.</summary>
    public string? Error { get; private set; }

    /// <summary>The content, once <see cref="Feed"/> returned Done.</summary>
    public ReadOnlySpan<byte> Content => _state == State.Finished ? _content.AsSpan(0, _filled) : [];

    /// <summary>
    /// Consumes bytes from <paramref name="input"/>; <paramref name="consumed"/> tells how many.
    /// After Done or Invalid, further calls consume nothing and repeat the answer.
    /// </summary>
    public ScanStatus Feed(ReadOnlySpan<byte> input, out int consumed)
    {
        consumed = 0;
        while (true)
        {
            switch (_state)
            {
                case State.Finished:
                    return ScanStatus.Done;
                case State.Failed:
                    return ScanStatus.Invalid;
            }
            if (consumed == input.Length)
                return ScanStatus.NeedMoreData;

            var b = input[consumed];
            switch (_state)
            {
                case State.FirstDigit:
                    if (b is < (byte)'0' or > (byte)'9')
                        return Fail("reply does not start with a netstring length");
                    _length = b - '0';
                    consumed++;
                    _state = State.Digits;
                    break;
                case State.Digits:
                    if (b == (byte)':')
                    {
                        consumed++;
                        _content = new byte[_length];
                        _state = _length == 0 ? State.Comma : State.Content;
                        break;
                    }
                    if (b is < (byte)'0' or > (byte)'9')
                        return Fail("netstring length is not followed by ':'");
                    if (_length == 0)
                        return Fail("netstring length has a leading zero");
                    _length = _length * 10 + (b - '0');
                    if (_length > MaxLength)
                        return Fail($"netstring longer than {MaxLength} bytes");
                    consumed++;
                    break;
                case State.Content:
                    var take = (int)Math.Min(input.Length - consumed, _length - _filled);
                    input.Slice(consumed, take).CopyTo(_content.AsSpan(_filled));
                    _filled += take;
                    consumed += take;
                    if (_filled == _length)
                        _state = State.Comma;
                    break;
                case State.Comma:
                    if (b != (byte)',')
                        return Fail("netstring does not end with ','");
                    consumed++;
                    _state = State.Finished;
                    break;
            }
        }
    }

    private ScanStatus Fail(string error)
    {
        Error = error;
        _state = State.Failed;
        return ScanStatus.Invalid;
    }
}
