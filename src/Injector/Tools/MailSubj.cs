using System.Text;

namespace MiniQmail.Injector.Tools;

/// <summary>
/// mailsubj's header (tools.md): <c>Subject:</c> and a <c>To:</c> of the recipients joined by
/// spaces, written literally (no shell echo escapes). A subject with bytes outside printable
/// ASCII becomes RFC 2047 encoded words, which the original does not do (README, "Differences").
/// </summary>
public static class MailSubj
{
    /// <summary>Input bytes per encoded word: 39 bytes are 52 base64 characters, so even the first line, after "Subject: ", stays within RFC 2047's 76.</summary>
    private const int WordBytes = 39;

    public static byte[] Header(byte[] subject, IReadOnlyList<byte[]> recipients)
    {
        var header = new List<byte>("Subject: "u8.ToArray());
        header.Append(NeedsEncoding(subject) ? EncodeWords(subject) : subject);
        // As the original's `echo To: "$@"`: no space after the colon when there is nobody.
        header.Append("\nTo:"u8);
        foreach (var recipient in recipients)
        {
            header.Add((byte)' ');
            header.Append(recipient);
        }
        header.Append("\n\n"u8);
        return [.. header];
    }

    /// <summary>True when a byte is outside 0x20..0x7E (tabs aside), i.e. the subject is not plain ASCII text.</summary>
    public static bool NeedsEncoding(ReadOnlySpan<byte> subject)
    {
        foreach (var b in subject)
            if (b is (< 0x20 and not (byte)'\t') or > 0x7E)
                return true;
        return false;
    }

    /// <summary>
    /// <c>=?UTF-8?B?…?=</c> words folded one per line, split only between whole UTF-8
    /// characters; bytes that are not UTF-8 are labelled <c>unknown-8bit</c> (RFC 1428).
    /// </summary>
    public static byte[] EncodeWords(byte[] text)
    {
        var charset = IsUtf8(text) ? "UTF-8" : "unknown-8bit";
        var output = new StringBuilder();
        var start = 0;
        while (start < text.Length)
        {
            var end = Math.Min(text.Length, start + WordBytes);
            // Do not cut a UTF-8 sequence: back up over continuation bytes.
            while (charset == "UTF-8" && end < text.Length && end > start + 1 && (text[end] & 0xC0) == 0x80)
                end--;
            if (output.Length > 0)
                output.Append("\n ");
            output.Append("=?").Append(charset).Append("?B?").Append(Convert.ToBase64String(text, start, end - start)).Append("?=");
            start = end;
        }
        return Encoding.ASCII.GetBytes(output.ToString());
    }

    private static bool IsUtf8(byte[] text)
    {
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(text);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
