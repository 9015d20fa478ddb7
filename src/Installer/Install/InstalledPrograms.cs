namespace MiniQmail.Installer.Install;

/// <summary>
/// The names a mini-qmail installation puts into <c>&lt;home&gt;/bin</c> (layout.md §2), in one
/// list. Each is a symbolic link to the one executable, which dispatches on the name it was
/// started under.
/// </summary>
public static class InstalledPrograms
{
    /// <summary>The executable every program name leads to.</summary>
    public const string Executable = "mini-qmail";

    /// <summary>The QMQP client, and the name every queueing program runs (layout.md §2).</summary>
    public const string QmqpClient = "qmail-qmqpc";

    /// <summary>A link to <see cref="QmqpClient"/> with a relative target, as layout.md §7 step 3 makes it.</summary>
    public const string QueueLink = "qmail-queue";

    /// <summary>The links outside the home that make MUAs and scripts use mini-qmail (layout.md §3).</summary>
    public static readonly IReadOnlyList<string> SendmailLinks = ["/usr/sbin/sendmail", "/usr/lib/sendmail"];

    /// <summary>
    /// With the retry queue, the name users type to see it: a link to the wrapper, which lists
    /// the queue when started as mailq (layout.md §3, sendmail.md §4). Without the queue mailq
    /// could only fail, so it comes with install --queue.
    /// </summary>
    public const string MailqLink = "/usr/bin/mailq";

    /// <summary>Every program and script of layout.md §2 but qmail-queue, in the table's order.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        QmqpClient,
        "qmail-inject",
        "sendmail",
        "forward",
        "predate",
        "datemail",
        "mailsubj",
        "qmail-showctl",
        "maildirmake",
        "maildir2mbox",
        "maildirwatch",
        "qail",
        "elq",
        "pinq",
        "config-mini",
    ];

    /// <summary>Every name in bin that runs a classic program: <see cref="Names"/> and qmail-queue.</summary>
    public static IEnumerable<string> AllClassicNames => Names.Append(QueueLink);
}
