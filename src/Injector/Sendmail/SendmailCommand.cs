using System.Text;

namespace MiniQmail.Injector.Sendmail;

/// <summary>What a sendmail command line asks for (sendmail.md §2–§6).</summary>
public enum SendmailAction
{
    /// <summary>Run qmail-inject with <see cref="SendmailCommand.InjectArguments"/> and the environment changes.</summary>
    Inject,
    /// <summary>-bp, or invoked as mailq: list the queue.</summary>
    ListQueue,
    /// <summary>-bs: SMTP on standard input and output.</summary>
    Smtp,
    /// <summary>-q: flush the retry queue if there is one, else the illegal-option error in <see cref="SendmailCommand.Diagnostic"/>.</summary>
    FlushOrIllegal,
    /// <summary>Stop with <see cref="SendmailCommand.Diagnostic"/> and <see cref="SendmailCommand.ExitCode"/>.</summary>
    Fail,
}

/// <summary>
/// The sendmail wrapper's translation of its command line (sendmail.md): options are read left
/// to right, -bp and -bs act as soon as they are seen, then the invoked name is checked.
/// </summary>
public sealed class SendmailCommand
{
    /// <summary>The usage line, identical whatever name the program was invoked under.</summary>
    public const string UsageLine = "sendmail: usage: sendmail [ -t ] [ -fsender ] [ -Fname ] [ -bp ] [ -bs ] [ arg ... ]\n";

    public SendmailAction Action { get; private init; }
    public List<byte[]> InjectArguments { get; } = [];
    /// <summary>Variables to set (a value) or remove (null) before qmail-inject runs.</summary>
    public List<KeyValuePair<string, byte[]?>> EnvironmentChanges { get; } = [];
    public byte[] Diagnostic { get; private init; } = [];
    public int ExitCode { get; private init; }

    public static SendmailCommand Parse(string program, IReadOnlyList<byte[]> words)
    {
        var getopt = new Getopt(words, "vimte:f:p:o:B:F:EJxb:");
        var headerRecipients = false;
        byte[]? sender = null;
        byte[]? name = null;
        while (true)
        {
            var result = getopt.Next();
            if (result == GetoptResult.End)
                break;
            if (result == GetoptResult.Illegal)
            {
                var diagnostic = Usage($"{program}: illegal option -- ", getopt.Letter);
                return new SendmailCommand
                {
                    Action = getopt.Letter == 'q' ? SendmailAction.FlushOrIllegal : SendmailAction.Fail,
                    Diagnostic = diagnostic,
                    ExitCode = 100,
                };
            }
            if (result == GetoptResult.MissingArgument)
                return Failure(Usage($"{program}: option requires an argument -- ", getopt.Letter), 100);
            switch (getopt.Letter)
            {
                case (byte)'t':
                    headerRecipients = true;
                    break;
                case (byte)'f':
                    sender = getopt.Argument;
                    break;
                case (byte)'F':
                    name = getopt.Argument;
                    break;
                case (byte)'E' or (byte)'J':
                    getopt.SkipRestOfWord();
                    break;
                case (byte)'b':
                    // Only the first byte of the mode counts: -bpx is -bp, -bsmtp is -bs (S11).
                    switch (getopt.Argument is { Length: > 0 } mode ? mode[0] : 0)
                    {
                        case (byte)'m':
                            break;
                        case (byte)'p':
                            return new SendmailCommand { Action = SendmailAction.ListQueue };
                        case (byte)'s':
                            return new SendmailCommand { Action = SendmailAction.Smtp };
                        default:
                            return Failure(Encoding.ASCII.GetBytes(UsageLine), 100);
                    }
                    break;
            }
        }

        if (program == "mailq")
            return new SendmailCommand { Action = SendmailAction.ListQueue };
        if (program == "newaliases")
            return Failure("sendmail: fatal: please use fastforward/newaliases instead\n"u8.ToArray(), 100);

        var command = new SendmailCommand { Action = SendmailAction.Inject };
        command.InjectArguments.Add(headerRecipients ? "-H"u8.ToArray() : "-a"u8.ToArray());
        if (sender is not null)
        {
            command.InjectArguments.Add("-f"u8.ToArray());
            command.InjectArguments.Add(sender);
            // The generated From follows the sender, and any personal name is dropped (§2, S05, S07).
            foreach (var variable in new[] { "QMAILNAME", "MAILNAME", "NAME", "QMAILHOST", "MAILHOST" })
                command.EnvironmentChanges.Add(new(variable, null));
            var at = sender.AsSpan().LastIndexOf((byte)'@');
            if (at >= 0)
            {
                command.EnvironmentChanges.Add(new("QMAILUSER", sender[..at]));
                command.EnvironmentChanges.Add(new("QMAILHOST", sender[(at + 1)..]));
            }
            else
                command.EnvironmentChanges.Add(new("QMAILUSER", sender));
        }
        else if (name is not null)
            command.EnvironmentChanges.Add(new("MAILNAME", name));
        command.InjectArguments.Add("--"u8.ToArray());
        for (var i = getopt.Index; i < words.Count; i++)
            command.InjectArguments.Add(words[i]);
        return command;
    }

    /// <summary>The environment qmail-inject sees: <paramref name="env"/> with <see cref="EnvironmentChanges"/> applied.</summary>
    public Func<string, byte[]?> ApplyTo(Func<string, byte[]?> env)
    {
        if (EnvironmentChanges.Count == 0)
            return env;
        var changes = EnvironmentChanges.ToArray();
        return variable =>
        {
            for (var i = changes.Length - 1; i >= 0; i--)
                if (changes[i].Key == variable)
                    return changes[i].Value;
            return env(variable);
        };
    }

    private static SendmailCommand Failure(byte[] diagnostic, int code) =>
        new() { Action = SendmailAction.Fail, Diagnostic = diagnostic, ExitCode = code };

    private static byte[] Usage(string prefix, byte letter) =>
        [.. Encoding.UTF8.GetBytes(prefix), letter, (byte)'\n', .. Encoding.ASCII.GetBytes(UsageLine)];
}
