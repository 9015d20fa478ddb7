namespace MiniQmail.Injector.Rfc822;

/// <summary>
/// Splits header text into RFC 822 tokens the way qmail-inject does (qmail-inject.md §8.1): byte
/// by byte, no character set, with its quirks kept (<c>)</c> and <c>]</c> do not end an atom; an
/// atom holding odd bytes becomes a quoted string).
/// </summary>
public static class Tokenizer
{
    /// <summary>Appends the tokens of <paramref name="text"/> to <paramref name="tokens"/>; false on an unterminated or stray bracket.</summary>
    public static bool TryTokenize(ReadOnlySpan<byte> text, List<Token> tokens)
    {
        var i = 0;
        var content = new List<byte>();
        while (i < text.Length)
        {
            var b = text[i];
            switch (b)
            {
                case (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n':
                    i++;
                    continue;
                case (byte)'.' or (byte)',' or (byte)'@' or (byte)'<' or (byte)'>' or (byte)':' or (byte)';':
                    tokens.Add(Token.Special(b));
                    i++;
                    continue;
                case (byte)')' or (byte)']':
                    return false;
                case (byte)'(':
                    if (!ReadEnclosed(text, ref i, (byte)')', nests: true, content))
                        return false;
                    tokens.Add(new Token(TokenKind.Comment, [.. content]));
                    continue;
                case (byte)'"':
                    if (!ReadEnclosed(text, ref i, (byte)'"', nests: false, content))
                        return false;
                    tokens.Add(new Token(TokenKind.Quoted, [.. content]));
                    continue;
                case (byte)'[':
                    if (!ReadEnclosed(text, ref i, (byte)']', nests: false, content))
                        return false;
                    tokens.Add(new Token(TokenKind.Literal, [.. content]));
                    continue;
                default:
                    ReadAtom(text, ref i, content);
                    // An atom that could not be written back as an atom is quoted (§8.1, I59, I71).
                    tokens.Add(new Token(NeedsQuoting(content) ? TokenKind.Quoted : TokenKind.Atom, [.. content]));
                    continue;
            }
        }
        return true;
    }

    public static List<Token>? Tokenize(ReadOnlySpan<byte> text)
    {
        var tokens = new List<Token>();
        return TryTokenize(text, tokens) ? tokens : null;
    }

    private static bool NeedsQuoting(List<byte> atom)
    {
        foreach (var b in atom)
            if (b < 0x20 || b > 0x7E || b is (byte)')' or (byte)']' or (byte)'\\')
                return true;
        return false;
    }

    /// <summary>
    /// Reads a comment, quoted string or domain literal starting at <paramref name="i"/>: up to
    /// the closing byte, a backslash taking the next byte literally; only comments nest.
    /// </summary>
    private static bool ReadEnclosed(ReadOnlySpan<byte> text, ref int i, byte close, bool nests, List<byte> content)
    {
        content.Clear();
        var open = text[i++];
        var depth = 1;
        while (i < text.Length)
        {
            var b = text[i++];
            if (b == '\\')
            {
                if (i >= text.Length)
                    return false;
                content.Add(text[i++]);
                continue;
            }
            if (nests && b == open)
                depth++;
            else if (b == close && --depth == 0)
                return true;
            content.Add(b);
        }
        return false;
    }

    private static void ReadAtom(ReadOnlySpan<byte> text, ref int i, List<byte> content)
    {
        content.Clear();
        while (i < text.Length)
        {
            var b = text[i];
            if (b == '\\')
            {
                // A final backslash is dropped; otherwise the next byte is taken literally.
                i++;
                if (i < text.Length)
                    content.Add(text[i++]);
                continue;
            }
            if (EndsAtom(b))
                return;
            content.Add(b);
            i++;
        }
    }

    private static bool EndsAtom(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'(' or (byte)'['
        or (byte)'"' or (byte)'<' or (byte)'>' or (byte)';' or (byte)':' or (byte)'@' or (byte)',' or (byte)'.';
}
