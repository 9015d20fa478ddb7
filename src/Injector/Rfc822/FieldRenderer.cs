namespace MiniQmail.Injector.Rfc822;

/// <summary>
/// Writes an address-list field back from its tokens (qmail-inject.md §8.4) and folds it after
/// commas so that lines stay within 78 bytes where an address allows (§8.5).
/// </summary>
public static class FieldRenderer
{
    /// <summary>The longest physical line the folding aims for.</summary>
    public const int FoldWidth = 78;

    /// <summary>Renders <c>name: tokens</c> followed by LF.</summary>
    public static byte[] Render(ReadOnlySpan<byte> name, IReadOnlyList<Token> tokens)
    {
        var output = new List<byte>(name.Length + 16 * tokens.Count + 2);
        output.Append(name);
        output.Add((byte)':');
        var lineStart = 0;
        var pendingBreak = -1;
        Token previous = Token.Special((byte)':');
        foreach (var token in tokens)
        {
            if (NeedsSpace(previous, token))
                output.Add((byte)' ');
            WriteToken(output, token);
            if (token.IsSpecial((byte)','))
                Fold(output, ref lineStart, ref pendingBreak, output.Count);
            previous = token;
        }
        Fold(output, ref lineStart, ref pendingBreak, -1);
        output.Add((byte)'\n');
        return [.. output];
    }

    /// <summary>
    /// Decides the pending break once the line reaches the next comma (or the end): dropped if
    /// the line fits in <see cref="FoldWidth"/> without it, taken otherwise; the newly written
    /// comma then offers the next one.
    /// </summary>
    private static void Fold(List<byte> output, ref int lineStart, ref int pendingBreak, int newBreak)
    {
        if (pendingBreak >= 0 && output.Count - lineStart > FoldWidth)
        {
            output.InsertRange(pendingBreak, "\n "u8.ToArray());
            lineStart = pendingBreak + 1;
            if (newBreak >= 0)
                newBreak += 2;
        }
        pendingBreak = newBreak;
    }

    private static bool NeedsSpace(Token a, Token b) =>
        a.IsSpecial((byte)':') || a.IsSpecial((byte)',') || b.IsSpecial((byte)'<') || (a.IsWord && b.IsWord);

    public static void WriteToken(List<byte> output, Token token)
    {
        switch (token.Kind)
        {
            case TokenKind.Special:
                output.Add(token.Content[0]);
                return;
            case TokenKind.Atom:
                WriteEscaped(output, token.Content);
                return;
            case TokenKind.Quoted:
                output.Add((byte)'"');
                WriteEscaped(output, token.Content);
                output.Add((byte)'"');
                return;
            case TokenKind.Literal:
                output.Add((byte)'[');
                WriteEscaped(output, token.Content);
                output.Add((byte)']');
                return;
            default:
                output.Add((byte)'(');
                WriteEscaped(output, token.Content);
                output.Add((byte)')');
                return;
        }
    }

    /// <summary>Backslash before each <c>" [ ] ( ) \</c>, CR and LF (§8.4).</summary>
    public static void WriteEscaped(List<byte> output, ReadOnlySpan<byte> content)
    {
        foreach (var b in content)
        {
            if (b is (byte)'"' or (byte)'[' or (byte)']' or (byte)'(' or (byte)')' or (byte)'\\' or (byte)'\r' or (byte)'\n')
                output.Add((byte)'\\');
            output.Add(b);
        }
    }
}
