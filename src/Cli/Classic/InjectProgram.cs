using MiniQmail.Cli.Edges;
using MiniQmail.Injector.Handoff;
using MiniQmail.Injector.Inject;
using MiniQmail.Injector.Sendmail;

namespace MiniQmail.Cli.Classic;

/// <summary>qmail-inject, sendmail (mailq, newaliases) and the helpers that inject: the process edges around the Injector library.</summary>
internal static class InjectProgram
{
    public static int RunInject(string program, string[] args) =>
        Report(Inject(program, RawProcess.Arguments(args), RawProcess.Variable, StandardStreams.Input()));

    public static int RunSendmail(string program, string[] args) =>
        Report(Sendmail(program, RawProcess.Arguments(args), StandardStreams.Input()));

    /// <summary>The sendmail wrapper on <paramref name="input"/>; datemail comes here with its Date line in front.</summary>
    public static InjectResult Sendmail(string program, IReadOnlyList<byte[]> words, Stream input)
    {
        var env = ProcessEnvironment.Current;
        return SendmailRunner.Run(program, words, env.Layout.Home, RawProcess.Variable, new SendmailServices
        {
            Inject = (arguments, environment) => Inject("qmail-inject", arguments, environment, input),
            ListQueue = () => QueueEntryPoints.List(program, env),
            FlushQueue = () => QueueEntryPoints.Flush(program, env),
            Smtp = () => SmtpProgram.Run(env),
        });
    }

    /// <summary>One qmail-inject run in this process, reading <paramref name="input"/>.</summary>
    public static InjectResult Inject(string program, IReadOnlyList<byte[]> arguments, Func<string, byte[]?> environment, Stream input)
    {
        var env = ProcessEnvironment.Current;
        var layout = env.Layout;
        using var stdout = StandardStreams.LazyOutput();
        return QmailInject.Run(new InjectRequest
        {
            Arguments = arguments,
            ProgramName = program,
            Environment = environment,
            Layout = layout,
            WorkingDirectory = Environment.CurrentDirectory,
            Clock = TimeProvider.System,
            ProcessId = Environment.ProcessId,
            Input = input,
            Output = stdout,
            Launch = QueueLaunchers.Select(environment, layout, () => new InProcessQueue(env),
                () => RawProcess.Block(environment, "QMAILUSER", "QMAILHOST", "MAILNAME")),
        });
    }

    /// <summary>Writes the diagnostic and gives the exit code.</summary>
    public static int Report(InjectResult result)
    {
        Stdio.ErrorBytes(result.Diagnostic);
        return result.ExitCode;
    }
}
