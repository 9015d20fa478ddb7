using MiniQmail.Injector.Inject;

namespace MiniQmail.Injector.Sendmail;

/// <summary>What the sendmail wrapper reaches; the Cli supplies the retry queue and SMTP, tests their stand-ins.</summary>
public sealed class SendmailServices
{
    /// <summary>Runs qmail-inject with these arguments and this environment.</summary>
    public required Func<IReadOnlyList<byte[]>, Func<string, byte[]?>, InjectResult> Inject { get; init; }
    /// <summary>Lists the retry queue; null when there is none.</summary>
    public required Func<int?> ListQueue { get; init; }
    /// <summary>Flushes the retry queue; null when there is none.</summary>
    public required Func<int?> FlushQueue { get; init; }
    /// <summary>Speaks SMTP on standard input and output; returns the exit code.</summary>
    public required Func<int> Smtp { get; init; }
}

/// <summary>The sendmail wrapper from command line to exit code (sendmail.md §1–§6).</summary>
public static class SendmailRunner
{
    public static InjectResult Run(string program, IReadOnlyList<byte[]> words, string home, Func<string, byte[]?> env, SendmailServices services)
    {
        if (!Directory.Exists(home))
            return new InjectResult(111, "sendmail: fatal: unable to switch to qmail home directory\n"u8.ToArray());
        var command = SendmailCommand.Parse(program, words);
        switch (command.Action)
        {
            case SendmailAction.Inject:
                return services.Inject(command.InjectArguments, command.ApplyTo(env));
            case SendmailAction.ListQueue:
                // A mini-qmail installation has no queue lister (§5, S09); the retry queue, once on, answers instead.
                return services.ListQueue() is { } listed
                    ? new InjectResult(listed, [])
                    : new InjectResult(111, "sendmail: fatal: unable to run qmail-qread\n"u8.ToArray());
            case SendmailAction.FlushOrIllegal:
                return services.FlushQueue() is { } flushed
                    ? new InjectResult(flushed, [])
                    : new InjectResult(command.ExitCode, command.Diagnostic);
            case SendmailAction.Smtp:
                return new InjectResult(services.Smtp(), []);
            default:
                return new InjectResult(command.ExitCode, command.Diagnostic);
        }
    }
}
