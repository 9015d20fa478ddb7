using System.Text;

namespace MiniQmail.Injector.Header;

/// <summary>The header fields qmail-inject treats specially (qmail-inject.md §6); everything else is <see cref="Other"/>.</summary>
public enum FieldKind
{
    Other,
    From,
    Sender,
    ReplyTo,
    ReturnReceiptTo,
    ErrorsTo,
    ResentSender,
    ResentFrom,
    ResentReplyTo,
    ReturnPath,
    To,
    Cc,
    Bcc,
    ApparentlyTo,
    ResentTo,
    ResentCc,
    ResentBcc,
    MessageId,
    ContentLength,
    Date,
    ResentDate,
    ResentMessageId,
    MailFollowupTo,
}

/// <summary>Recognising fields by name: valid field starts (§5) and the known names (§6).</summary>
public static class FieldNames
{
    private static readonly (byte[] Name, FieldKind Kind)[] Known =
    [
        ("From"u8.ToArray(), FieldKind.From),
        ("Sender"u8.ToArray(), FieldKind.Sender),
        ("Reply-To"u8.ToArray(), FieldKind.ReplyTo),
        ("Return-Receipt-To"u8.ToArray(), FieldKind.ReturnReceiptTo),
        ("Errors-To"u8.ToArray(), FieldKind.ErrorsTo),
        ("Resent-Sender"u8.ToArray(), FieldKind.ResentSender),
        ("Resent-From"u8.ToArray(), FieldKind.ResentFrom),
        ("Resent-Reply-To"u8.ToArray(), FieldKind.ResentReplyTo),
        ("Return-Path"u8.ToArray(), FieldKind.ReturnPath),
        ("To"u8.ToArray(), FieldKind.To),
        ("Cc"u8.ToArray(), FieldKind.Cc),
        ("Bcc"u8.ToArray(), FieldKind.Bcc),
        ("Apparently-To"u8.ToArray(), FieldKind.ApparentlyTo),
        ("Resent-To"u8.ToArray(), FieldKind.ResentTo),
        ("Resent-Cc"u8.ToArray(), FieldKind.ResentCc),
        ("Resent-Bcc"u8.ToArray(), FieldKind.ResentBcc),
        ("Message-ID"u8.ToArray(), FieldKind.MessageId),
        ("Content-Length"u8.ToArray(), FieldKind.ContentLength),
        ("Date"u8.ToArray(), FieldKind.Date),
        ("Resent-Date"u8.ToArray(), FieldKind.ResentDate),
        ("Resent-Message-ID"u8.ToArray(), FieldKind.ResentMessageId),
        ("Mail-Followup-To"u8.ToArray(), FieldKind.MailFollowupTo),
    ];

    /// <summary>
    /// A line that may start a field: it has a colon, and the name before it (trailing blanks
    /// removed) is non-empty printable ASCII without spaces (§5).
    /// </summary>
    public static bool IsValidFieldStart(ReadOnlySpan<byte> line)
    {
        var colon = line.IndexOf((byte)':');
        if (colon < 0)
            return false;
        var name = line[..colon];
        while (name.Length > 0 && name[^1] is (byte)' ' or (byte)'\t')
            name = name[..^1];
        if (name.IsEmpty)
            return false;
        foreach (var b in name)
            if (b is < 0x21 or > 0x7E)
                return false;
        return true;
    }

    /// <summary>The kind of a field: a known name, case-insensitive, then blanks, then a colon.</summary>
    public static FieldKind Classify(ReadOnlySpan<byte> field)
    {
        foreach (var (name, kind) in Known)
        {
            if (field.Length <= name.Length || !Ascii.EqualsIgnoreCase(field[..name.Length], name))
                continue;
            var rest = field[name.Length..];
            while (rest.Length > 0 && rest[0] is (byte)' ' or (byte)'\t')
                rest = rest[1..];
            if (rest.Length > 0 && rest[0] == ':')
                return kind;
        }
        return FieldKind.Other;
    }

    public static bool IsSenderList(FieldKind kind) => kind is FieldKind.From or FieldKind.Sender or FieldKind.ReplyTo
        or FieldKind.ReturnReceiptTo or FieldKind.ErrorsTo or FieldKind.ResentSender or FieldKind.ResentFrom
        or FieldKind.ResentReplyTo or FieldKind.ReturnPath;

    public static bool IsRecipientList(FieldKind kind) => kind is FieldKind.To or FieldKind.Cc or FieldKind.Bcc
        or FieldKind.ApparentlyTo or FieldKind.ResentTo or FieldKind.ResentCc or FieldKind.ResentBcc;

    /// <summary>Fields whose presence makes the message a resent one (§6).</summary>
    public static bool MarksResent(FieldKind kind) => kind is FieldKind.ResentSender or FieldKind.ResentFrom
        or FieldKind.ResentReplyTo or FieldKind.ResentTo or FieldKind.ResentCc or FieldKind.ResentBcc
        or FieldKind.ResentDate or FieldKind.ResentMessageId;
}
