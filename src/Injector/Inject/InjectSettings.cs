using MiniQmail.Control;
using MiniQmail.Injector.Rfc822;

namespace MiniQmail.Injector.Inject;

/// <summary>The QMAILINJECT letters (qmail-inject.md §3).</summary>
[Flags]
public enum InjectLetters
{
    None = 0,
    CommentStyleFrom = 1,
    DropReturnPath = 2,
    DropFrom = 4,
    DropMessageId = 8,
    PerRecipientVerp = 16,
    PerMessageVerp = 32,
}

/// <summary>
/// Everything qmail-inject takes from its environment and control files (qmail-inject.md §3,
/// §4), read in the original's order so the same error wins.
/// </summary>
public sealed class InjectSettings
{
    public required byte[] User { get; init; }
    public byte[]? Host { get; init; }
    public byte[]? Name { get; init; }
    public byte[]? SenderUser { get; init; }
    public byte[]? SenderHost { get; init; }
    public InjectLetters Letters { get; init; }
    /// <summary>The Mail-Followup-To list, or null when the feature is off.</summary>
    public List<byte[]>? MailingLists { get; init; }
    public required byte[] IdHost { get; init; }
    public required Completion Completion { get; init; }

    /// <summary>The first of <paramref name="names"/> that is set (an empty value counts as set, I43).</summary>
    public static byte[]? FirstSet(Func<string, byte[]?> env, params string[] names)
    {
        foreach (var name in names)
            if (env(name) is { } value)
                return value;
        return null;
    }

    public static InjectLetters ParseLetters(ReadOnlySpan<byte> letters)
    {
        var result = InjectLetters.None;
        foreach (var b in letters)
        {
            result |= b switch
            {
                (byte)'c' => InjectLetters.CommentStyleFrom,
                (byte)'s' => InjectLetters.DropReturnPath,
                (byte)'f' => InjectLetters.DropFrom,
                (byte)'i' => InjectLetters.DropMessageId,
                (byte)'r' => InjectLetters.PerRecipientVerp,
                (byte)'m' => InjectLetters.PerMessageVerp,
                _ => InjectLetters.None,
            };
        }
        return result;
    }

    /// <summary>
    /// Steps 2–5 of qmail-inject.md §1. On failure returns null with the error (its text and
    /// exit code) in <paramref name="failure"/>.
    /// </summary>
    public static InjectSettings? Load(Func<string, byte[]?> env, Layout layout, string workingDirectory, out InjectFailure? failure)
    {
        failure = null;
        var letters = ParseLetters(env("QMAILINJECT") ?? []);
        var user = FirstSet(env, "QMAILUSER", "MAILUSER", "USER", "LOGNAME") ?? "anonymous"u8.ToArray();
        var host = FirstSet(env, "QMAILHOST", "MAILHOST");
        var name = FirstSet(env, "QMAILNAME", "MAILNAME", "NAME");

        List<byte[]>? lists = null;
        if (env("QMAILMFTFILE") is { } mft)
        {
            var path = Path.Combine(workingDirectory, BytePaths.ToPath(mft));
            switch (ControlFile.ReadList(path, out var items, out _))
            {
                case ControlReadStatus.Ok:
                    lists = items;
                    break;
                case ControlReadStatus.Error:
                    failure = InjectFailure.ReadError;
                    return null;
            }
        }

        if (!Directory.Exists(layout.Home))
        {
            failure = InjectFailure.Temporary("internal bug");
            return null;
        }

        if (!ReadControl(layout, "me", null, null, out var me))
        {
            failure = InjectFailure.ReadError;
            return null;
        }
        var completions = new List<Token>[3];
        string[] files = ["defaultdomain", "defaulthost", "plusdomain"];
        string[] overrides = ["QMAILDEFAULTDOMAIN", "QMAILDEFAULTHOST", "QMAILPLUSDOMAIN"];
        byte[] prefixes = [(byte)'.', (byte)'@', (byte)'.'];
        for (var k = 0; k < 3; k++)
        {
            if (!ReadControl(layout, files[k], me, env(overrides[k]), out var value))
            {
                failure = InjectFailure.ReadError;
                return null;
            }
            byte[] text = [prefixes[k], .. value!];
            var tokens = Tokenizer.Tokenize(text);
            if (tokens is null)
            {
                failure = InjectFailure.UnparsableLine(text);
                return null;
            }
            completions[k] = tokens;
        }
        if (!ReadControl(layout, "idhost", me, env("QMAILIDHOST"), out var idHost))
        {
            failure = InjectFailure.ReadError;
            return null;
        }

        return new InjectSettings
        {
            User = user,
            Host = host,
            Name = name,
            SenderUser = env("QMAILSUSER"),
            SenderHost = env("QMAILSHOST") ?? host,
            Letters = letters,
            MailingLists = lists,
            IdHost = idHost!,
            Completion = new Completion(completions[1], completions[0], completions[2]),
        };
    }

    /// <summary>
    /// One single-line control file: the file, else <c>me</c>, else the file's own name as a
    /// literal (§4); an environment override replaces whatever was read.
    /// </summary>
    private static bool ReadControl(Layout layout, string file, byte[]? me, byte[]? envOverride, out byte[]? value)
    {
        switch (ControlFile.ReadLine(layout.Control(file), out var read, out _))
        {
            case ControlReadStatus.Ok:
                value = read;
                break;
            case ControlReadStatus.Missing:
                value = file == "me" ? null : me ?? System.Text.Encoding.ASCII.GetBytes(file);
                break;
            default:
                value = null;
                return false;
        }
        if (envOverride is not null)
            value = envOverride;
        return true;
    }
}
