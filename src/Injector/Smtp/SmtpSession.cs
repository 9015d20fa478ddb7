using System.Text;
using MiniQmail.Injector.Inject;

namespace MiniQmail.Injector.Smtp;

/// <summary>
/// <c>sendmail -bs</c>: a small SMTP server on standard input and output for programs that
/// submit that way (Symfony's mailer does by default). Each message goes through the same path
/// as <c>sendmail -f sender recipients</c>; its result is the reply to the final dot. The
/// original runs qmail-smtpd here, which a null client does not have (README, "Differences").
/// </summary>
public sealed class SmtpSession(Stream input, Stream output, string hostName,
    Func<IReadOnlyList<byte[]>, Stream, InjectResult> submit)
{
    /// <summary>Command lines longer than this are refused (RFC 5321 §4.5.3.1.4 asks for 512 at least).</summary>
    public const int CommandLimit = 4096;

    private readonly SmtpReader _reader = new(input);
    private byte[]? _sender;
    private readonly List<byte[]> _recipients = [];

    /// <summary>Runs the session to QUIT or the end of input; returns the exit code (0).</summary>
    public int Run()
    {
        Reply($"220 {hostName} ESMTP mini-qmail");
        while (true)
        {
            var line = _reader.ReadCommand(CommandLimit, out var tooLong);
            if (line is null)
                return 0;
            if (tooLong)
            {
                Reply("500 line too long (#5.5.2)");
                continue;
            }
            var space = Array.IndexOf(line, (byte)' ');
            var verb = Encoding.ASCII.GetString(line, 0, space < 0 ? line.Length : space).ToUpperInvariant();
            var rest = space < 0 ? [] : line[(space + 1)..];
            switch (verb)
            {
                case "HELO":
                    Reply($"250 {hostName}");
                    break;
                case "EHLO":
                    Reset();
                    Reply($"250-{hostName}\r\n250-PIPELINING\r\n250 8BITMIME");
                    break;
                case "MAIL":
                    Mail(rest);
                    break;
                case "RCPT":
                    Rcpt(rest);
                    break;
                case "DATA":
                    if (!Data())
                        return 0;
                    break;
                case "RSET":
                    Reset();
                    Reply("250 flushed");
                    break;
                case "NOOP":
                    Reply("250 ok");
                    break;
                case "VRFY":
                    Reply("252 send some mail, i'll try my best");
                    break;
                case "QUIT":
                    Reply($"221 {hostName}");
                    return 0;
                default:
                    Reply("502 unimplemented (#5.5.1)");
                    break;
            }
        }
    }

    private void Mail(byte[] rest)
    {
        if (_sender is not null)
        {
            Reply("503 nested MAIL command (#5.5.1)");
            return;
        }
        var address = PathArgument(rest, "FROM:"u8);
        if (address is null)
        {
            Reply("501 syntax: MAIL FROM:<address> (#5.5.4)");
            return;
        }
        _sender = address;
        Reply("250 ok");
    }

    private void Rcpt(byte[] rest)
    {
        if (_sender is null)
        {
            Reply("503 MAIL first (#5.5.1)");
            return;
        }
        var address = PathArgument(rest, "TO:"u8);
        if (address is null)
        {
            Reply("501 syntax: RCPT TO:<address> (#5.5.4)");
            return;
        }
        _recipients.Add(address);
        Reply("250 ok");
    }

    /// <summary>Takes one message; false when the input ended inside it.</summary>
    private bool Data()
    {
        if (_sender is null)
        {
            Reply("503 MAIL first (#5.5.1)");
            return true;
        }
        if (_recipients.Count == 0)
        {
            Reply("503 RCPT first (#5.5.1)");
            return true;
        }
        Reply("354 go ahead");
        var data = new SmtpDataStream(_reader);
        // As `sendmail -f sender -- recipients`: the envelope is the session's, the header is completed as usual.
        List<byte[]> words = ["-f"u8.ToArray(), _sender, "--"u8.ToArray(), .. _recipients];
        var result = submit(words, data);
        try
        {
            data.Drain();
        }
        catch (IOException)
        {
            // Input ended inside DATA: nothing was queued (qmail-inject saw a read error), nobody is left to answer.
            return false;
        }
        Reset();
        if (result.ExitCode == 0)
            Reply("250 ok");
        else
            Reply((result.ExitCode == 100 ? "554 " : "451 ") + Text(result.Diagnostic));
        return true;
    }

    /// <summary>The failure text for a reply: the diagnostic without the program prefix, on one line.</summary>
    private static string Text(byte[] diagnostic)
    {
        var text = Encoding.UTF8.GetString(diagnostic).TrimEnd('\n');
        const string prefix = "qmail-inject: fatal: ";
        if (text.StartsWith(prefix, StringComparison.Ordinal))
            text = text[prefix.Length..];
        return text.Replace('\r', ' ').Replace('\n', ' ');
    }

    /// <summary>The address of <c>FROM:&lt;a&gt;</c> / <c>TO:&lt;a&gt;</c> (parameters after it ignored); null when malformed.</summary>
    internal static byte[]? PathArgument(ReadOnlySpan<byte> rest, ReadOnlySpan<byte> keyword)
    {
        if (rest.Length < keyword.Length || !Ascii.EqualsIgnoreCase(rest[..keyword.Length], keyword))
            return null;
        rest = rest[keyword.Length..].TrimStart((byte)' ');
        if (rest.Length > 0 && rest[0] == '<')
        {
            var close = rest.IndexOf((byte)'>');
            if (close < 0)
                return null;
            var path = rest[1..close];
            // A source route <@a,@b:user@host> keeps only the mailbox.
            if (path.Length > 0 && path[0] == '@' && path.IndexOf((byte)':') is var colon and >= 0)
                path = path[(colon + 1)..];
            return path.ToArray();
        }
        var end = rest.IndexOf((byte)' ');
        return (end < 0 ? rest : rest[..end]).ToArray();
    }

    private void Reset()
    {
        _sender = null;
        _recipients.Clear();
    }

    private void Reply(string text)
    {
        output.Write(Encoding.UTF8.GetBytes(text + "\r\n"));
        output.Flush();
    }
}
