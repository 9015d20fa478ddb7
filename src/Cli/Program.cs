using MiniQmail.Cli.Classic;
using MiniQmail.Cli.Edges;

namespace MiniQmail.Cli;

/// <summary>
/// The one executable. Started under a classic name (a link such as qmail-queue or sendmail) it
/// is that program, on a lean path that loads nothing it does not need; started as mini-qmail it
/// offers the subcommands.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var name = InvokedName.Get();
        return RunClassic(name, args) ?? Modern.ModernCli.Run(args);
    }

    /// <summary>Runs the classic program called <paramref name="name"/>, or returns null if there is none.</summary>
    internal static int? RunClassic(string name, string[] args)
    {
        var env = ProcessEnvironment.Current;
        switch (name)
        {
            case "qmail-qmqpc":
            case "qmail-queue":
                return QmqpcProgram.Run(name, env);
            case "qmail-inject":
                return InjectProgram.RunInject(name, args);
            case "sendmail":
            case "mailq":
            case "newaliases":
                return InjectProgram.RunSendmail(name, args);
            case "predate":
            case "datemail":
            case "mailsubj":
            case "forward":
            case "maildirmake":
            case "maildir2mbox":
                return HelperPrograms.Run(name, args);
            case "install-mini":
                return InstallMiniProgram.Run(name, env);
            case "config-mini":
                return ConfigMiniProgram.Run(name, args, env);
            case "qmail-showctl":
                return ShowCtlProgram.Run(env);
            case "qail":
                return MailReaderPrograms.Run(name, "Mail", args, env);
            case "elq":
                return MailReaderPrograms.Run(name, "elm", args, env);
            case "pinq":
                return MailReaderPrograms.Run(name, "pine", args, env);
            case "maildirwatch":
                return MaildirWatchProgram.Run(name, env);
            default:
                return null;
        }
    }
}
