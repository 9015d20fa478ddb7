using System.Buffers;

namespace MiniQmail.Qmqp.Codec;

/// <summary>Netstring encoding (<c>length ":" bytes ","</c>), over spans and buffer writers.</summary>
public static class Netstring
{
    /// <summary>Longest prefix <c>"&lt;digits&gt;:"</c> for a 64-bit length.</summary>
    public const int MaxPrefixLength = 20;

    /// <summary>Number of bytes the whole netstring of <paramref name="contentLength"/> bytes takes.</summary>
    public static long EncodedLength(long contentLength) =>
        DigitCount(contentLength) + 1 + contentLength + 1;

    /// <summary>Writes <c>"&lt;length&gt;:"</c> into <paramref name="destination"/> and returns the byte count.</summary>
    public static int WritePrefix(Span<byte> destination, long contentLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(contentLength);
        var digits = DigitCount(contentLength);
        var value = contentLength;
        for (var i = digits - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + value % 10);
            value /= 10;
        }
        destination[digits] = (byte)':';
        return digits + 1;
    }

    /// <summary>Writes a complete netstring holding <paramref name="content"/>.</summary>
    public static void Write(IBufferWriter<byte> writer, ReadOnlySpan<byte> content)
    {
        var span = writer.GetSpan(MaxPrefixLength + content.Length + 1);
        var n = WritePrefix(span, content.Length);
        content.CopyTo(span[n..]);
        span[n + content.Length] = (byte)',';
        writer.Advance(n + content.Length + 1);
    }

    /// <summary>Encodes one netstring into a new array (for small values and tests).</summary>
    public static byte[] Encode(ReadOnlySpan<byte> content)
    {
        var writer = new ArrayBufferWriter<byte>(content.Length + MaxPrefixLength + 1);
        Write(writer, content);
        return writer.WrittenSpan.ToArray();
    }

    internal static int DigitCount(long value)
    {
        var digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }
        return digits;
    }
}
