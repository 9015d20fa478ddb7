using MiniQmail.Injector.Header;
using MiniQmail.Injector.Rfc822;

namespace MiniQmail.Injector.Inject;

/// <summary>
/// What qmail-inject learns from the header as it goes (qmail-inject.md §6–§8): the fields to
/// keep, which names were seen, the recipients and the sender a Return-Path offers.
/// </summary>
internal sealed class HeaderState(InjectSettings settings)
{
    private readonly bool[] _seen = new bool[(int)FieldKind.MailFollowupTo + 1];

    public List<byte[]> Kept { get; } = [];
    public List<byte[]> HeaderRecipients { get; } = [];
    public List<byte[]> ResentRecipients { get; } = [];
    public List<byte[]> ToCc { get; } = [];
    public byte[]? ReturnPathSender { get; private set; }
    public bool Resent { get; private set; }
    public long Size { get; set; }

    public bool Seen(FieldKind kind) => _seen[(int)kind];

    /// <summary>Handles one complete field; returns a failure for an unparsable sender-type field.</summary>
    public InjectFailure? Process(byte[] field)
    {
        var kind = FieldNames.Classify(field);
        var letters = settings.Letters;
        if ((kind == FieldKind.From && letters.HasFlag(InjectLetters.DropFrom))
            || (kind == FieldKind.MessageId && letters.HasFlag(InjectLetters.DropMessageId))
            || (kind == FieldKind.ReturnPath && letters.HasFlag(InjectLetters.DropReturnPath)))
            return null;
        _seen[(int)kind] = true;
        Resent |= FieldNames.MarksResent(kind);

        if (FieldNames.IsSenderList(kind))
        {
            Action<byte[]>? offer = kind == FieldKind.ReturnPath ? a => ReturnPathSender ??= a : null;
            var rendered = Rewrite(field, settings.Completion, offer);
            if (rendered is null)
                return InjectFailure.UnparsableLine(field);
            if (kind != FieldKind.ReturnPath)
                Kept.Add(rendered);
            return null;
        }
        if (FieldNames.IsRecipientList(kind))
        {
            var list = kind is FieldKind.ResentTo or FieldKind.ResentCc or FieldKind.ResentBcc ? ResentRecipients : HeaderRecipients;
            var toCc = kind is FieldKind.To or FieldKind.Cc;
            var rendered = Rewrite(field, settings.Completion, a =>
            {
                list.Add(a);
                if (toCc)
                    ToCc.Add(a);
            });
            // An unparsable recipient field is kept as read (§6); Bcc fields go in any case.
            if (kind is not (FieldKind.Bcc or FieldKind.ResentBcc))
                Kept.Add(rendered ?? field);
            return null;
        }
        if (kind != FieldKind.ContentLength)
            Kept.Add(field);
        return null;
    }

    /// <summary>Tokenizes, scans, completes and renders an address-list field; null if it cannot be parsed.</summary>
    public static byte[]? Rewrite(ReadOnlySpan<byte> field, Completion completion, Action<byte[]>? found)
    {
        var tokens = Tokenizer.Tokenize(field);
        if (tokens is null || tokens.Count < 2)
            return null;
        var list = AddressListScanner.Scan(tokens.GetRange(2, tokens.Count - 2), completion, found);
        if (list is null)
            return null;
        var name = new List<byte>();
        FieldRenderer.WriteToken(name, tokens[0]);
        return FieldRenderer.Render(name.ToArray(), list);
    }
}
