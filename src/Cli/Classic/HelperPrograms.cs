using MiniQmail.Cli.Edges;
using MiniQmail.Injector.Handoff;
using MiniQmail.Injector;
using MiniQmail.Injector.Tools;

namespace MiniQmail.Cli.Classic;

/// <summary>The small programs (tools.md): predate, datemail, mailsubj, forward, maildirmake, maildir2mbox.</summary>
internal static class HelperPrograms
{
    public static int Run(string name, string[] args)
    {
        switch (name)
        {
            case "predate":
                return Report(Predate.Run(RawProcess.Arguments(args), RawProcess.Block(RawProcess.Variable), TimeProvider.System,
                    TimeZoneInfo.Local, StandardStreams.Input()));
            case "datemail":
            {
                // predate + sendmail in one process: the Date line goes in front of standard input.
                var dated = new ConcatStream(Predate.DateLine(TimeProvider.System, TimeZoneInfo.Local), StandardStreams.Input());
                return InjectProgram.Report(InjectProgram.Sendmail("sendmail", RawProcess.Arguments(args), dated));
            }
            case "mailsubj":
            {
                var words = RawProcess.Arguments(args);
                var header = MailSubj.Header(words.Length > 0 ? words[0] : [], words.Length > 1 ? words[1..] : []);
                var input = new ConcatStream(header, StandardStreams.Input());
                return InjectProgram.Report(InjectProgram.Inject("qmail-inject", [], RawProcess.Variable, input));
            }
            case "forward":
            {
                var env = ProcessEnvironment.Current;
                var launch = QueueLaunchers.Select(RawProcess.Variable, env.Layout, () => new InProcessQueue(env),
                    () => RawProcess.Block(RawProcess.Variable));
                var (code, diagnostic) = Forward.Run(RawProcess.Arguments(args), RawProcess.Variable, StandardStreams.Input(),
                    launch, Environment.ProcessId);
                Stdio.ErrorBytes(diagnostic);
                return code;
            }
            case "maildirmake":
                return Report(MaildirMake.Run(args));
            default:
                return Report(Maildir2Mbox.Run(Environment.GetEnvironmentVariable, TimeProvider.System));
        }
    }

    private static int Report((int ExitCode, string Diagnostic) result)
    {
        Stdio.ErrorBytes(System.Text.Encoding.UTF8.GetBytes(result.Diagnostic));
        return result.ExitCode;
    }
}
