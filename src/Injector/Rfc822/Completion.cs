namespace MiniQmail.Injector.Rfc822;

/// <summary>
/// The three token lists addresses are completed with: <c>"@" + defaulthost</c>,
/// <c>"." + defaultdomain</c> and <c>"." + plusdomain</c> (qmail-inject.md §4).
/// </summary>
public sealed class Completion(IReadOnlyList<Token> atDefaultHost, IReadOnlyList<Token> dotDefaultDomain, IReadOnlyList<Token> dotPlusDomain)
{
    public IReadOnlyList<Token> AtDefaultHost { get; } = atDefaultHost;
    public IReadOnlyList<Token> DotDefaultDomain { get; } = dotDefaultDomain;
    public IReadOnlyList<Token> DotPlusDomain { get; } = dotPlusDomain;

    /// <summary>Completes one address in place (§8.3); the steps run in the original's order.</summary>
    public void Complete(List<Token> address)
    {
        if (address.Count == 0)
            return;
        // `w-@[]` is the VERP placeholder: left alone.
        if (address.Count >= 2 && address[^2].IsSpecial((byte)'@') && address[^1] is { Kind: TokenKind.Literal, Content.Length: 0 })
            return;
        if (address[0].IsSpecial((byte)'@'))
        {
            // A source route `@r1,@r2:user@host` loses everything up to its colon.
            var colon = address.FindIndex(t => t.IsSpecial((byte)':'));
            address.RemoveRange(0, colon < 0 ? address.Count : colon + 1);
            if (address.Count == 0)
                return;
        }
        if (address[^1].IsSpecial((byte)'.'))
        {
            address.RemoveAt(address.Count - 1);
            if (address.Count == 0)
                return;
        }
        if (address[^1].IsSpecial((byte)'@'))
        {
            address.RemoveAt(address.Count - 1);
            if (address.Count == 0)
                return;
        }
        if (!address.Exists(t => t.IsSpecial((byte)'@')))
            address.AddRange(AtDefaultHost);
        if (address[^1] is { Kind: TokenKind.Atom, Content: [.., (byte)'+'] } plus)
        {
            address[^1] = plus with { Content = plus.Content[..^1] };
            address.AddRange(DotPlusDomain);
        }
        var at = address.FindLastIndex(t => t.IsSpecial((byte)'@'));
        var qualified = false;
        for (var i = at + 1; i < address.Count; i++)
            qualified |= address[i].IsSpecial((byte)'.') || address[i].Kind == TokenKind.Literal;
        if (!qualified)
            address.AddRange(DotDefaultDomain);
    }
}
