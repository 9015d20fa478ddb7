using System.Globalization;
using System.Text;
using MiniQmail.Injector.Handoff;
using MiniQmail.Injector.Header;
using MiniQmail.Injector.Rfc822;
using MiniQmail.Qmqp.Codec;

namespace MiniQmail.Injector.Inject;

/// <summary>
/// qmail-inject: completes the header, works out the envelope and hands both to the queue
/// program, or prints the result with -n. The steps follow qmail-inject.md §1 in order, because
/// the order decides which error wins. Only the header is held in memory; the body is copied
/// through in buffer-sized pieces.
/// </summary>
public static class QmailInject
{
    public static InjectResult Run(InjectRequest request)
    {
        var now = request.Clock.GetUtcNow().ToUnixTimeSeconds();
        var settings = InjectSettings.Load(request.Environment, request.Layout, request.WorkingDirectory, out var failure);
        if (settings is null)
            return Fail(failure!);

        // Options (§2), then the argument recipients (§10.2) before any input is read.
        var print = false;
        var strategy = RecipientStrategy.ArgumentsElseHeader;
        byte[]? flagSender = null;
        var getopt = new Getopt(request.Arguments, "nNaAhHf:");
        while (true)
        {
            var result = getopt.Next();
            if (result == GetoptResult.End)
                break;
            if (result == GetoptResult.Illegal)
                return Usage(request.ProgramName, "illegal option", getopt.Letter);
            if (result == GetoptResult.MissingArgument)
                return Usage(request.ProgramName, "option requires an argument", getopt.Letter);
            switch (getopt.Letter)
            {
                case (byte)'n': print = true; break;
                case (byte)'N': print = false; break;
                case (byte)'a': strategy = RecipientStrategy.Arguments; break;
                case (byte)'A': strategy = RecipientStrategy.ArgumentsElseHeader; break;
                case (byte)'h': strategy = RecipientStrategy.Header; break;
                case (byte)'H': strategy = RecipientStrategy.Both; break;
                case (byte)'f':
                    var quoted = AddressForms.QuoteLocalPart(getopt.Argument!);
                    flagSender = CompleteOne(quoted, settings.Completion);
                    if (flagSender is null)
                        return Fail(InjectFailure.UnparsableLine(quoted));
                    break;
            }
        }
        var argumentRecipients = new List<byte[]>();
        if (strategy != RecipientStrategy.Header)
        {
            for (var i = getopt.Index; i < request.Arguments.Count; i++)
            {
                var argument = request.Arguments[i];
                var recipient = CompleteOne(AddressForms.QuoteLocalPart(argument), settings.Completion);
                if (recipient is null)
                    return Fail(new InjectFailure([.. "fatal: unable to parse address: "u8, .. argument, (byte)'\n'], InjectFailure.PermanentExit));
                argumentRecipients.Add(recipient);
            }
        }

        try
        {
            return Inject(request, settings, now, print, strategy, flagSender, argumentRecipients);
        }
        catch (IOException)
        {
            return Fail(InjectFailure.ReadError);
        }
    }

    private static InjectResult Inject(InjectRequest request, InjectSettings settings, long now, bool print,
        RecipientStrategy strategy, byte[]? flagSender, List<byte[]> argumentRecipients)
    {
        var state = new HeaderState(settings);
        var reader = new LineReader(request.Input);
        var line = new List<byte>(256);
        // The field being collected; continuation lines are appended in place (no copying per line).
        var pending = new List<byte>(256);
        var hasPending = false;
        byte[]? separator = null;
        while (true)
        {
            var limit = request.HeaderLimit - state.Size;
            if (!reader.ReadLine(line, limit, out var tooLong))
                break;
            if (tooLong)
                return Fail(InjectFailure.Permanent($"message header is longer than {request.HeaderLimit} bytes"));
            state.Size += line.Count;
            if (line is [(byte)'\n'])
            {
                separator = "\n"u8.ToArray();
                break;
            }
            if (hasPending && line[0] is (byte)' ' or (byte)'\t')
            {
                pending.AddRange(line);
                continue;
            }
            if (hasPending && state.Process(pending.ToArray()) is { } fieldFailure)
                return Fail(fieldFailure);
            hasPending = true;
            pending.Clear();
            var bytes = line.ToArray();
            if (bytes.StartsWith("From "u8))
            {
                pending.Append("MBOX-Line: "u8);
                pending.Append(bytes);
            }
            else if (FieldNames.IsValidFieldStart(bytes))
                pending.Append(bytes);
            else
            {
                // Not a field: the header ends here and the line is the first of the body (§5).
                hasPending = false;
                separator = [(byte)'\n', .. bytes];
                break;
            }
        }
        if (hasPending && state.Process(pending.ToArray()) is { } lastFailure)
            return Fail(lastFailure);

        // End of the header (§9): everything that can fail is worked out before the queue program starts.
        var sender = flagSender;
        if (sender is null && state.ReturnPathSender is { } returnPath)
            sender = settings.Letters.HasFlag(InjectLetters.PerRecipientVerp) ? [.. returnPath, .. "-@[]"u8] : returnPath;
        if (sender is null)
        {
            sender = DefaultSender(settings, now, request.ProcessId, out var senderFailure);
            if (sender is null)
                return Fail(senderFailure!);
        }
        var generated = Generated(settings, state, now, request.ProcessId, out var generatedFailure);
        if (generated is null)
            return Fail(generatedFailure!);
        var recipients = new List<byte[]>();
        if (strategy != RecipientStrategy.Header)
            recipients.AddRange(argumentRecipients);
        if (strategy == RecipientStrategy.Both || strategy == RecipientStrategy.Header
            || (strategy == RecipientStrategy.ArgumentsElseHeader && argumentRecipients.Count == 0))
            recipients.AddRange(state.Resent ? state.ResentRecipients : state.HeaderRecipients);

        // A NUL inside an address would end it early in the envelope and corrupt the rest: the
        // original passes it on; we refuse the message (README, "Differences").
        if (!print && (sender.AsSpan().IndexOf((byte)0) >= 0 || recipients.Exists(r => r.AsSpan().IndexOf((byte)0) >= 0)))
            return Fail(InjectFailure.Permanent("envelope address contains a NUL byte"));

        var head = new MemoryStream();
        if (print)
            head.Write([.. "Return-Path: <"u8, .. AddressForms.QuoteLocalPart(sender), .. ">\n"u8]);
        head.Write(generated);
        foreach (var field in state.Kept)
            head.Write(field);
        if (separator is not null)
            head.Write(separator);

        if (print)
        {
            request.Output.Write(head.GetBuffer(), 0, (int)head.Length);
            if (separator is not null)
                reader.CopyRest(request.Output.Write);
            request.Output.Flush();
            return InjectResult.Success;
        }

        using var queue = request.Launch();
        if (queue is null)
            return Fail(InjectFailure.Temporary("unable to run qmail-queue"));
        var writeFailed = false;
        void Write(ReadOnlySpan<byte> data)
        {
            if (writeFailed)
                return;
            try
            {
                queue.Message.Write(data);
            }
            catch (IOException)
            {
                // Remembered, not fatal (§11): the queue program's result decides.
                writeFailed = true;
            }
        }
        Write(head.GetBuffer().AsSpan(0, (int)head.Length));
        if (separator is not null)
            reader.CopyRest(Write);
        var outcome = queue.Finish(new Envelope(sender, recipients));
        if (QueueResultText.Describe(outcome, writeFailed) is { } problem)
            return Fail(problem.Permanent ? InjectFailure.Permanent(problem.Text) : InjectFailure.Temporary(problem.Text));
        return InjectResult.Success;
    }

    /// <summary>Date, Message-ID, From, the "not shown" line and Mail-Followup-To, or their Resent- forms (§9).</summary>
    private static byte[]? Generated(InjectSettings settings, HeaderState state, long now, int pid, out InjectFailure? failure)
    {
        failure = null;
        var output = new List<byte>();
        var resent = state.Resent;
        var prefix = resent ? "Resent-"u8.ToArray() : [];
        if (!state.Seen(resent ? FieldKind.ResentDate : FieldKind.Date))
            output.Append([.. prefix, .. "Date: "u8, .. Encoding.ASCII.GetBytes(Stamps.UtcDate(now)), (byte)'\n']);
        if (!state.Seen(resent ? FieldKind.ResentMessageId : FieldKind.MessageId))
            output.Append([.. prefix, .. "Message-ID: "u8, .. Stamps.MessageId(now, pid, settings.IdHost), (byte)'\n']);
        if (!state.Seen(resent ? FieldKind.ResentFrom : FieldKind.From))
        {
            var from = FromField(settings, prefix);
            var rendered = HeaderState.Rewrite(from, settings.Completion, null);
            if (rendered is null)
            {
                failure = InjectFailure.UnparsableLine(from);
                return null;
            }
            output.Append(rendered);
        }
        if (resent ? !state.Seen(FieldKind.ResentTo) && !state.Seen(FieldKind.ResentCc) : !state.Seen(FieldKind.To) && !state.Seen(FieldKind.Cc))
            output.Append([.. prefix, .. "Cc: recipient list not shown: ;\n"u8]);
        if (!resent && !state.Seen(FieldKind.MailFollowupTo) && settings.MailingLists is { } lists
            && state.ToCc.Exists(a => lists.Exists(l => Ascii.EqualsIgnoreCase(a, l))))
        {
            // Every To/Cc address, last recorded first, one per line (§9.6, I53).
            output.Append("Mail-Followup-To: "u8);
            for (var i = state.ToCc.Count - 1; i >= 0; i--)
            {
                output.Append(AddressForms.QuoteLocalPart(state.ToCc[i]));
                output.Append(i > 0 ? ",\n  "u8 : "\n"u8);
            }
        }
        return [.. output];
    }

    /// <summary>The From field text before completion (§9.3): the name quoted, or as a comment with letter c.</summary>
    private static byte[] FromField(InjectSettings settings, byte[] prefix)
    {
        var address = new List<byte>(QuoteUser(settings.User));
        if (settings.Host is { } host)
            address.AddRange([(byte)'@', .. host]);
        var field = new List<byte>([.. prefix, .. "From: "u8]);
        if (settings.Name is not { } name)
            field.AddRange(address);
        else if (settings.Letters.HasFlag(InjectLetters.CommentStyleFrom))
        {
            field.AddRange(address);
            field.Append(" ("u8);
            FieldRenderer.WriteEscaped(field, name);
            field.Add((byte)')');
        }
        else
        {
            field.Add((byte)'"');
            FieldRenderer.WriteEscaped(field, name);
            field.Append("\" <"u8);
            field.AddRange(address);
            field.Add((byte)'>');
        }
        field.Add((byte)'\n');
        return [.. field];
    }

    /// <summary>
    /// The default envelope sender (§10.1.3): user (with the VERP suffixes), host, completed like
    /// an address list whose rightmost address wins (I87).
    /// </summary>
    private static byte[]? DefaultSender(InjectSettings settings, long now, int pid, out InjectFailure? failure)
    {
        failure = null;
        var letters = settings.Letters;
        var user = new List<byte>(settings.SenderUser ?? settings.User);
        if (letters.HasFlag(InjectLetters.PerMessageVerp))
            user.Append(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"-{now}.{pid}")));
        if (letters.HasFlag(InjectLetters.PerRecipientVerp))
            user.Add((byte)'-');
        var text = new List<byte>(QuoteUser([.. user]));
        if (settings.SenderHost is { } host)
            text.Append([(byte)'@', .. host]);
        var tokens = Tokenizer.Tokenize(text.ToArray());
        byte[]? sender = null;
        if (tokens is null || AddressListScanner.Scan(tokens, settings.Completion, a => sender ??= a) is null)
        {
            failure = InjectFailure.UnparsableLine([.. text]);
            return null;
        }
        sender ??= [];
        return letters.HasFlag(InjectLetters.PerRecipientVerp) ? [.. sender, .. "-@[]"u8] : sender;
    }

    /// <summary>A user name as the local part of a generated address: an atom, or a quoted string when §10.3 asks for one.</summary>
    private static byte[] QuoteUser(byte[] user)
    {
        if (!AddressForms.NeedsQuotes(user))
            return user;
        var quoted = new List<byte> { (byte)'"' };
        foreach (var b in user)
        {
            if (b is (byte)'\r' or (byte)'\n' or (byte)'"' or (byte)'\\')
                quoted.Add((byte)'\\');
            quoted.Add(b);
        }
        quoted.Add((byte)'"');
        return [.. quoted];
    }

    /// <summary>An argument or -f value as one address: tokenized, completed, in envelope form; null if it cannot be tokenized.</summary>
    private static byte[]? CompleteOne(byte[] quoted, Completion completion)
    {
        var tokens = Tokenizer.Tokenize(quoted);
        if (tokens is null)
            return null;
        completion.Complete(tokens);
        return AddressForms.Envelope(tokens);
    }

    private static InjectResult Fail(InjectFailure failure) => new(failure.ExitCode, [.. "qmail-inject: "u8, .. failure.Message]);

    private static InjectResult Usage(string program, string what, byte letter) =>
        new(InjectFailure.PermanentExit, [.. Encoding.UTF8.GetBytes($"{program}: {what} -- "), letter, (byte)'\n']);
}
