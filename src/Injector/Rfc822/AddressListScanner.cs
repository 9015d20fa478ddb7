namespace MiniQmail.Injector.Rfc822;

/// <summary>
/// Splits the tokens of an address list into addresses, completes each one and gives back the
/// tokens to render (qmail-inject.md §8.2). The scan runs from the last token to the first, as
/// the original's does: that is why recipients of one field are recorded right to left (I09),
/// and why a failure leaves the addresses to its right recorded (I24).
/// </summary>
public static class AddressListScanner
{
    /// <summary>
    /// Scans <paramref name="tokens"/> (the field after its colon). Each completed address is
    /// passed, in envelope form, to <paramref name="found"/>. Returns the output tokens left to
    /// right, or null when the list has a structure the original rejects.
    /// </summary>
    public static List<Token>? Scan(IReadOnlyList<Token> tokens, Completion completion, Action<byte[]>? found)
    {
        // Both lists are built by prepending, so they are kept reversed and turned round at the end.
        var output = new List<Token>();
        var pending = new List<Token>();
        var inGroup = false;
        var wordOk = true;

        void Finish()
        {
            if (pending.Count == 0)
                return;
            pending.Reverse();
            EmitAddress(pending, completion, found, output);
            pending.Clear();
        }

        void FinishWithComma()
        {
            if (pending.Count == 0)
                return;
            Finish();
            output.Add(Token.Special((byte)','));
        }

        for (var i = tokens.Count - 1; i >= 0; i--)
        {
            var token = tokens[i];
            if (token.Kind == TokenKind.Special)
            {
                switch (token.Content[0])
                {
                    case (byte)';':
                        FinishWithComma();
                        if (inGroup)
                            return null;
                        inGroup = true;
                        wordOk = true;
                        output.Add(token);
                        continue;
                    case (byte)':':
                        Finish();
                        if (!inGroup)
                            return null;
                        inGroup = false;
                        output.Add(token);
                        // The group's display name is copied as it stands, up to the previous comma.
                        while (i > 0 && !tokens[i - 1].IsSpecial((byte)','))
                            output.Add(tokens[--i]);
                        if (i > 0)
                            output.Add(tokens[--i]);
                        wordOk = true;
                        continue;
                    case (byte)'>':
                        FinishWithComma();
                        output.Add(token);
                        var open = i - 1;
                        while (open >= 0 && !tokens[open].IsSpecial((byte)'<'))
                            open--;
                        if (open < 0)
                            return null;
                        var route = new List<Token>(i - open);
                        for (var k = open + 1; k < i; k++)
                            route.Add(tokens[k]);
                        // Completed and recorded even when empty: that is how <> gives an empty recipient.
                        EmitAddress(route, completion, found, output);
                        output.Add(tokens[open]);
                        i = open;
                        while (i > 0 && IsPhrasePart(tokens[i - 1]))
                            output.Add(tokens[--i]);
                        wordOk = false;
                        continue;
                    case (byte)',':
                        Finish();
                        wordOk = true;
                        output.Add(token);
                        continue;
                    default:
                        // '@', '.', and a '<' that no '>' took.
                        wordOk = true;
                        pending.Add(token);
                        continue;
                }
            }
            if (token.Kind == TokenKind.Comment)
            {
                output.Add(token);
                continue;
            }
            if (!wordOk)
                FinishWithComma();
            wordOk = false;
            pending.Add(token);
        }
        Finish();
        output.Reverse();
        return output;
    }

    /// <summary>Completes <paramref name="address"/> (left to right), reports it, and prepends it to the reversed output.</summary>
    private static void EmitAddress(List<Token> address, Completion completion, Action<byte[]>? found, List<Token> reversedOutput)
    {
        completion.Complete(address);
        found?.Invoke(AddressForms.Envelope(address));
        for (var k = address.Count - 1; k >= 0; k--)
            reversedOutput.Add(address[k]);
    }

    private static bool IsPhrasePart(Token t) =>
        t.Kind is TokenKind.Comment or TokenKind.Atom or TokenKind.Quoted || t.IsSpecial((byte)'@') || t.IsSpecial((byte)'.');
}
