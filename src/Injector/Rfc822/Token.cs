namespace MiniQmail.Injector.Rfc822;

/// <summary>The kinds of RFC 822 lexical tokens qmail-inject distinguishes (qmail-inject.md §8.1).</summary>
public enum TokenKind : byte
{
    /// <summary>One of <c>. , @ &lt; &gt; : ;</c>; the byte is the token's only content.</summary>
    Special,
    Atom,
    /// <summary>A quoted string; the content is stored without quotes or escapes.</summary>
    Quoted,
    /// <summary>A domain literal; the content is stored without brackets or escapes.</summary>
    Literal,
    /// <summary>A comment; the content is stored without the outer parentheses.</summary>
    Comment,
}

/// <summary>
/// One token: its kind and its raw content bytes (escapes already removed). A class, not a
/// struct: lists of it then share the runtime's precompiled code instead of being compiled at
/// start-up (README, "Start-up").
/// </summary>
public sealed record Token(TokenKind Kind, byte[] Content)
{
    public static Token Special(byte b) => new(TokenKind.Special, [b]);

    public bool IsSpecial(byte b) => Kind == TokenKind.Special && Content[0] == b;

    /// <summary>Atoms, quoted strings, literals and comments: the "words" of the rendering rules (§8.4).</summary>
    public bool IsWord => Kind != TokenKind.Special;

    public override string ToString() => Kind + ":" + System.Text.Encoding.Latin1.GetString(Content);
}
