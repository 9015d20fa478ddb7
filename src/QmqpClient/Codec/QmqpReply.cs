using System.Text;

namespace MiniQmail.Qmqp.Codec;

/// <summary>The server's verdict in a QMQP reply.</summary>
public enum ReplyStatus
{
    /// <summary>K: accepted for delivery to all recipients.</summary>
    Accepted,
    /// <summary>Z: temporary failure, try again later.</summary>
    TemporaryFailure,
    /// <summary>D: permanent failure, do not retry.</summary>
    PermanentFailure,
}

/// <summary>A decoded QMQP reply: its status and the server's text after the status byte.</summary>
public readonly record struct QmqpReply(ReplyStatus Status, string Text)
{
    /// <summary>Longest reply this client accepts; real servers send a few dozen bytes.</summary>
    public const int MaxLength = 4096;

    /// <summary>
    /// Interprets the content of a reply netstring. Strict, unlike the original (which takes
    /// the first K, Z or D byte anywhere in the stream): the first content byte must be the
    /// status. See README, "Differences from mini-qmail".
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> content, out QmqpReply reply, out string? error)
    {
        reply = default;
        error = null;
        if (content.IsEmpty)
        {
            error = "empty reply";
            return false;
        }
        ReplyStatus status;
        switch (content[0])
        {
            case (byte)'K': status = ReplyStatus.Accepted; break;
            case (byte)'Z': status = ReplyStatus.TemporaryFailure; break;
            case (byte)'D': status = ReplyStatus.PermanentFailure; break;
            default:
                error = $"reply status is not K, Z or D: {Printable(content)}";
                return false;
        }
        reply = new QmqpReply(status, Printable(content[1..]));
        return true;
    }

    /// <summary>Server text made safe for a one-line message: controls and 8-bit bytes become '?'.</summary>
    public static string Printable(ReadOnlySpan<byte> text, int max = 200)
    {
        var sb = new StringBuilder(Math.Min(text.Length, max));
        foreach (var b in text[..Math.Min(text.Length, max)])
            sb.Append(b is >= 0x20 and < 0x7f ? (char)b : '?');
        if (text.Length > max)
            sb.Append("...");
        return sb.ToString();
    }
}
