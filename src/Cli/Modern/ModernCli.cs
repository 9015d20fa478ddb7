using System.CommandLine;

namespace MiniQmail.Cli.Modern;

/// <summary>
/// <c>mini-qmail &lt;subcommand&gt;</c>: the modern surface, with --help, built on
/// System.CommandLine. Only reached when the executable runs under its own name, so the classic
/// programs never pay for loading it.
/// </summary>
internal static class ModernCli
{
    /// <summary>
    /// Subcommands that are a classic program under another name. Their words go to the
    /// program untouched (System.CommandLine would read qmail's -h or sendmail's -bs as its own);
    /// only a lone --help is answered here.
    /// </summary>
    internal static readonly (string Command, string Program, string Description)[] ClassicCommands =
    [
        ("qmqpc", "qmail-qmqpc", "Hand the message on fd 0 and the envelope on fd 1 to a QMQP server (qmail-qmqpc, also qmail-queue)."),
        ("inject", "qmail-inject", "Complete a message's header, work out its envelope and queue it (qmail-inject)."),
        ("sendmail", "sendmail", "The sendmail interface: -t, -f, -F, -bp, -bs (SMTP on stdin/stdout), -q, ..."),
        ("predate", "predate", "Run a program with a local-time Date field in front of standard input."),
        ("datemail", "datemail", "sendmail with a local-time Date field (predate sendmail)."),
        ("mailsubj", "mailsubj", "Send standard input with a subject to the recipients: mailsubj subject recipient ..."),
        ("forward", "forward", "Forward standard input to the addresses (needs NEWSENDER and DTLINE)."),
        ("maildirmake", "maildirmake", "Create a maildir: maildirmake name."),
        ("maildir2mbox", "maildir2mbox", "Move the messages of $MAILDIR into the mbox $MAIL (through $MAILTMP)."),
        ("config-mini", "config-mini", "Write control/me, defaultdomain, plusdomain, idhost and qmqpservers: config-mini me defaultdomain plusdomain idhost qmqpserver ..."),
        ("showctl", "qmail-showctl", "Print the control files and what they mean (qmail-showctl)."),
    ];

    /// <summary>The subcommands of their own, by name.</summary>
    private static readonly (string Name, Func<Command> Create)[] OwnCommands =
    [
        (SinkCommand.Name, SinkCommand.Create),
        (InstallCommand.Name, InstallCommand.Create),
        (UninstallCommand.Name, UninstallCommand.Create),
        (DoctorCommand.Name, DoctorCommand.Create),
        (QueueCommand.Name, QueueCommand.Create),
        (FlushCommand.Name, FlushCommand.Create),
    ];

    public static int Run(string[] args)
    {
        if (args.Length > 0 && !(args.Length == 2 && args[1] is "--help" or "-?")
            && Array.Find(ClassicCommands, c => c.Command == args[0]) is { Program: not null } classic)
            return Program.RunClassic(classic.Program, args[1..]) ?? 1;

        return Root(args).Parse(args).Invoke();
    }

    /// <summary>
    /// The command tree for <paramref name="args"/>. Building every subcommand with its options
    /// costs about 5 ms of start-up, so a command line that names one of them gets that one
    /// alone (its help and errors read the same); anything else (--help, a typo) gets them all.
    /// </summary>
    internal static RootCommand Root(string[] args)
    {
        var root = new RootCommand("MiniQmail: a mini-qmail null client. Run a subcommand, or call the classic programs (sendmail, qmail-inject, qmail-qmqpc, ...) by their names.");
        if (args.Length > 0 && Array.Find(OwnCommands, c => c.Name == args[0]) is { Create: not null } named)
        {
            root.Subcommands.Add(named.Create());
            return root;
        }
        foreach (var (command, program, description) in ClassicCommands)
        {
            var sub = new Command(command, description);
            var words = new Argument<string[]>("arguments") { Arity = ArgumentArity.ZeroOrMore, Description = $"The arguments of {program}." };
            sub.Arguments.Add(words);
            sub.SetAction(parse => Program.RunClassic(program, parse.GetValue(words) ?? []) ?? 1);
            root.Subcommands.Add(sub);
        }
        foreach (var (_, create) in OwnCommands)
            root.Subcommands.Add(create());
        return root;
    }
}
