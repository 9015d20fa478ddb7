using System.Buffers;

namespace MiniQmail.Qmqp.Codec;

/// <summary>
/// A message's envelope: the sender (empty for the null sender) and the recipients in order.
/// Addresses are bytes: qmail never interprets their encoding.
/// </summary>
public sealed class Envelope(byte[] sender, IReadOnlyList<byte[]> recipients)
{
    public byte[] Sender { get; } = sender;
    public IReadOnlyList<byte[]> Recipients { get; } = recipients;

    /// <summary>
    /// The qmail-queue form read from descriptor 1:
    /// <c>'F' sender NUL { 'T' recipient NUL } NUL</c>.
    /// </summary>
    public void WriteQueueForm(IBufferWriter<byte> writer)
    {
        WriteItem(writer, (byte)'F', Sender);
        foreach (var recipient in Recipients)
            WriteItem(writer, (byte)'T', recipient);
        writer.GetSpan(1)[0] = 0;
        writer.Advance(1);
    }

    public byte[] ToQueueForm()
    {
        var writer = new ArrayBufferWriter<byte>();
        WriteQueueForm(writer);
        return writer.WrittenSpan.ToArray();
    }

    private static void WriteItem(IBufferWriter<byte> writer, byte letter, ReadOnlySpan<byte> address)
    {
        var span = writer.GetSpan(address.Length + 2);
        span[0] = letter;
        address.CopyTo(span[1..]);
        span[address.Length + 1] = 0;
        writer.Advance(address.Length + 2);
    }
}
