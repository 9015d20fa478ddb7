using System.Buffers;

namespace MiniQmail.Qmqp.Codec;

/// <summary>
/// The bytes of a QMQP request around the message (qmqp.md §2.1):
/// <c>N ":" M ":" &lt;message&gt; "," S ":" sender "," { R ":" rcpt "," } ","</c>.
/// Only the parts before and after the message are held; the message itself is streamed, so
/// a request for a message of any size costs a few hundred bytes here.
/// </summary>
public sealed class QmqpRequestFrame
{
    private QmqpRequestFrame(byte[] prefix, byte[] suffix, long messageLength)
    {
        Prefix = prefix;
        Suffix = suffix;
        MessageLength = messageLength;
    }

    /// <summary><c>N ":" M ":"</c>: the outer length and the message netstring's length.</summary>
    public byte[] Prefix { get; }

    /// <summary><c>"," S ":" sender "," … ","</c>: the end of the message netstring, the envelope, the outer comma.</summary>
    public byte[] Suffix { get; }

    public long MessageLength { get; }

    public long TotalLength => Prefix.Length + MessageLength + Suffix.Length;

    public static QmqpRequestFrame Create(long messageLength, Envelope envelope)
    {
        var suffix = new ArrayBufferWriter<byte>();
        suffix.GetSpan(1)[0] = (byte)',';
        suffix.Advance(1);
        Netstring.Write(suffix, envelope.Sender);
        foreach (var recipient in envelope.Recipients)
            Netstring.Write(suffix, recipient);
        suffix.GetSpan(1)[0] = (byte)',';
        suffix.Advance(1);

        Span<byte> messagePrefix = stackalloc byte[Netstring.MaxPrefixLength];
        var messagePrefixLength = Netstring.WritePrefix(messagePrefix, messageLength);
        // The outer content runs from the message netstring's first digit to the comma that
        // ends the last recipient; the outer comma (the suffix's last byte) is not part of it.
        var inner = messagePrefixLength + messageLength + suffix.WrittenCount - 1;
        var prefix = new byte[Netstring.MaxPrefixLength * 2];
        var n = Netstring.WritePrefix(prefix, inner);
        messagePrefix[..messagePrefixLength].CopyTo(prefix.AsSpan(n));
        return new QmqpRequestFrame(prefix.AsSpan(0, n + messagePrefixLength).ToArray(), suffix.WrittenSpan.ToArray(), messageLength);
    }
}
