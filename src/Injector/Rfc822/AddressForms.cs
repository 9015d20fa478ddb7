namespace MiniQmail.Injector.Rfc822;

/// <summary>The two byte forms of an address outside a header field: envelope form (§8.6) and the local-part quoting (§10.3).</summary>
public static class AddressForms
{
    /// <summary>
    /// The envelope form: atoms and quoted strings give their raw content, literals
    /// <c>[content]</c>, specials their byte, comments nothing.
    /// </summary>
    public static byte[] Envelope(IEnumerable<Token> tokens)
    {
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            switch (token.Kind)
            {
                case TokenKind.Comment:
                    break;
                case TokenKind.Literal:
                    bytes.Add((byte)'[');
                    bytes.Append(token.Content);
                    bytes.Add((byte)']');
                    break;
                default:
                    bytes.Append(token.Content);
                    break;
            }
        }
        return [.. bytes];
    }

    /// <summary>
    /// Quotes the local part (before the last <c>@</c>) when it is not a plain dot-atom; used for
    /// -f, argument recipients, the print-mode Return-Path and Mail-Followup-To (§10.3).
    /// </summary>
    public static byte[] QuoteLocalPart(ReadOnlySpan<byte> address)
    {
        if (address.IsEmpty)
            return [];
        var at = address.LastIndexOf((byte)'@');
        var local = at < 0 ? address : address[..at];
        var rest = at < 0 ? [] : address[at..];
        if (!NeedsQuotes(local))
            return address.ToArray();
        var result = new List<byte>(address.Length + 4) { (byte)'"' };
        foreach (var b in local)
        {
            if (b is (byte)'\r' or (byte)'\n' or (byte)'"' or (byte)'\\')
                result.Add((byte)'\\');
            result.Add(b);
        }
        result.Add((byte)'"');
        result.Append(rest);
        return [.. result];
    }

    /// <summary>The §10.3 test: empty, a byte outside the dot-atom set, a leading or trailing dot, or "..".</summary>
    public static bool NeedsQuotes(ReadOnlySpan<byte> local)
    {
        if (local.IsEmpty || local[0] == '.' || local[^1] == '.' || local.IndexOf(".."u8) >= 0)
            return true;
        foreach (var b in local)
            if (!IsAtomByte(b))
                return true;
        return false;
    }

    private static bool IsAtomByte(byte b) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
        || "!#$%&'*+-/=?^_`{|}~."u8.IndexOf(b) >= 0;
}
