using System.Globalization;
using System.Text;
using MiniQmail.Control;
using MiniQmail.Queue;

namespace MiniQmail.Installer.ShowCtl;

/// <summary>What qmail-showctl printed and how it ends.</summary>
public sealed record ShowCtlReport(byte[] Output, int ExitCode);

/// <summary>
/// qmail-showctl (tools.md): the compiled-in settings and an interpretation of every control
/// file, byte for byte as the reference prints them. The report is built in memory and returned;
/// the caller writes it.
/// </summary>
public static class ShowCtl
{
    private enum Kind { Single, SingleMe, Number, List, Queue, Decimal }

    /// <param name="Project">A file of this project, not of the spec's table: printed only when it exists, so a host without it gets the reference's report byte for byte.</param>
    private sealed record Entry(string Name, Kind Kind, string Prefix, string Default, string Suffix = "", bool Project = false);

    // tools.md, qmail-showctl, rule 3: the table, in order. For lists, Prefix/Suffix wrap an item
    // and Default is the text for a missing file.
    private static readonly Entry[] Table =
    [
        new("badmailfrom", Kind.List, "", "Any MAIL FROM is allowed.", " not accepted in MAIL FROM."),
        new("bouncefrom", Kind.Single, "Bounce user name is ", "MAILER-DAEMON"),
        new("bouncehost", Kind.SingleMe, "Bounce host name is ", "bouncehost"),
        new("concurrencylocal", Kind.Number, "Local concurrency is ", "10"),
        new("concurrencyremote", Kind.Number, "Remote concurrency is ", "20"),
        new("databytes", Kind.Number, "SMTP DATA limit is ", "0", " bytes"),
        new("defaultdomain", Kind.SingleMe, "Default domain name is ", "defaultdomain"),
        new("defaulthost", Kind.SingleMe, "Default host name is ", "defaulthost"),
        new("doublebouncehost", Kind.SingleMe, "2B recipient host: ", "doublebouncehost"),
        new("doublebounceto", Kind.Single, "2B recipient user: ", "postmaster"),
        new("envnoathost", Kind.SingleMe, "Presumed domain name is ", "envnoathost"),
        new("helohost", Kind.SingleMe, "SMTP client HELO host name is ", "helohost"),
        new("idhost", Kind.SingleMe, "Message-ID host name is ", "idhost"),
        new("localiphost", Kind.SingleMe, "Local IP address becomes ", "localiphost"),
        new("locals", Kind.List, "Messages for ", "Messages for me are delivered locally.", " are delivered locally."),
        new("me", Kind.Single, "My name is ", "undefined! Uh-oh"),
        new("percenthack", Kind.List, "The percent hack is allowed for user%host@", "The percent hack is not allowed.", "."),
        new("plusdomain", Kind.SingleMe, "Plus domain name is ", "plusdomain"),
        new("qmqpservers", Kind.List, "QMQP server: ", "No QMQP servers.", "."),
        // Project additions (docs/queue.md): the retry queue's switch and numbers.
        new(QueueSettings.SwitchFile, Kind.Queue, "Retry queue is on; queued mail is kept in ", "queue", Project: true),
        new(QueueSettings.BackoffBaseFile, Kind.Decimal, "Retry queue first backoff is ", "60", " seconds", Project: true),
        new(QueueSettings.BackoffCapFile, Kind.Decimal, "Retry queue longest backoff is ", "7200", " seconds", Project: true),
        new(QueueSettings.ConcurrencyFile, Kind.Decimal, "Retry queue concurrency is ", "4", Project: true),
        new("queuelifetime", Kind.Number, "Message lifetime in the queue is ", "604800", " seconds"),
        new("rcpthosts", Kind.List, RcptPrefix, "SMTP clients may send messages to any recipient.", "."),
        // morercpthosts and morercpthosts.cdb: special, handled in Render.
        new("morercpthosts", Kind.List, RcptPrefix, "No effect.", "."),
        new("morercpthosts.cdb", Kind.List, "", ""),
        new("smtpgreeting", Kind.SingleMe, "SMTP greeting: 220 ", "smtpgreeting"),
        new("smtproutes", Kind.List, "SMTP route: ", "No artificial SMTP routes."),
        new("timeoutconnect", Kind.Number, "SMTP client connection timeout is ", "60", " seconds"),
        new("timeoutremote", Kind.Number, "SMTP client data timeout is ", "1200", " seconds"),
        new("timeoutsmtpd", Kind.Number, "SMTP server data timeout is ", "1200", " seconds"),
        new("virtualdomains", Kind.List, "Virtual domain: ", "No virtual domains."),
    ];

    private const string RcptPrefix = "SMTP clients may send messages to recipients at ";

    private static readonly string[] Users = ["alias", "qmaild", "qmaill", "root", "qmailp", "qmailq", "qmailr", "qmails"];
    private static readonly string[] Groups = ["nofiles", "qmail"];

    /// <param name="userId">The uid of an account, null when it does not exist.</param>
    /// <param name="groupId">The gid of a group, null when it does not exist.</param>
    public static ShowCtlReport Render(Layout layout, Func<string, int?> userId, Func<string, int?> groupId)
    {
        var o = new Output();
        o.Text($"qmail home directory: {layout.Home}.\n");
        o.Text("user-ext delimiter: -.\n");
        o.Text("paternalism (in decimal): 2.\n");
        o.Text("silent concurrency limit: 120.\n");
        o.Text("subdirectory split: 23.\n");
        o.Text($"user ids: {string.Join(", ", Users.Select(u => Id(userId(u))))}.\n");
        o.Text($"group ids: {string.Join(", ", Groups.Select(g => Id(groupId(g))))}.\n");

        if (!Directory.Exists(layout.Home))
            return o.Finish($"Oops! Unable to chdir to {layout.Home}.\n", 111);
        if (!Directory.Exists(layout.ControlDir))
            return o.Finish("Oops! Unable to chdir to control.\n", 111);
        List<string> listing;
        try
        {
            listing = Directory.EnumerateFileSystemEntries(layout.ControlDir, "*", new EnumerationOptions { AttributesToSkip = 0 })
                .Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return o.Finish("Oops! Unable to open current directory.\n", 111);
        }

        var meStatus = ControlFile.ReadLine(layout.Control("me"), out var me, out _);
        if (meStatus == ControlReadStatus.Error)
            return o.Finish("Oops! Trouble reading control/me.", 111);

        var rcpthostsStatus = ControlReadStatus.Missing;
        foreach (var entry in Table)
        {
            var path = layout.Control(entry.Name);
            if (entry.Project && !listing.Contains(entry.Name))
                continue;
            o.Text($"\n{entry.Name}: ");
            switch (entry.Name, entry.Kind)
            {
                case (_, Kind.Queue):
                    QueueDirectory(o, path, entry, layout);
                    break;
                case (_, Kind.Decimal):
                    Decimal(o, path, entry);
                    break;
                case ("morercpthosts.cdb", _):
                    o.Text(CdbState(layout) + "\n");
                    break;
                case ("morercpthosts", _) when rcpthostsStatus == ControlReadStatus.Missing:
                    List(o, path, entry with { Prefix = "No rcpthosts; doesn't matter that morercpthosts has ", Default = "No rcpthosts; morercpthosts is irrelevant." });
                    break;
                case ("rcpthosts", _):
                    rcpthostsStatus = List(o, path, entry);
                    break;
                case (_, Kind.List):
                    List(o, path, entry);
                    break;
                case (_, Kind.Number):
                    Number(o, path, entry);
                    break;
                default:
                    Single(o, path, entry, entry.Kind == Kind.SingleMe && meStatus == ControlReadStatus.Ok ? me : null);
                    break;
            }
        }

        var known = Table.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in listing.Where(n => !known.Contains(n)))
            o.Text($"\n{name}: I have no idea what this file does.\n");
        return o.Finish("", 0);
    }

    private static string Id(int? id) => id is { } n ? n.ToString(CultureInfo.InvariantCulture) : "?";

    private static void Single(Output o, string path, Entry entry, byte[]? me)
    {
        switch (ControlFile.ReadLine(path, out var value, out _))
        {
            case ControlReadStatus.Ok:
                o.Text(entry.Prefix);
                o.Safe(value);
                o.Text(".\n");
                break;
            case ControlReadStatus.Missing:
                o.Text("(Default.) " + entry.Prefix);
                o.Safe(me ?? Encoding.ASCII.GetBytes(entry.Default));
                o.Text(".\n");
                break;
            default:
                o.Text("Oops! Trouble reading this file.\n");
                break;
        }
    }

    private static void Number(Output o, string path, Entry entry)
    {
        switch (ControlFile.ReadLine(path, out var value, out _))
        {
            case ControlReadStatus.Ok when value.Length > 0 && char.IsAsciiDigit((char)value[0]):
                // The leading digits, read as the original reads numbers: unsigned, 32 bits wide (tools.md).
                uint n = 0;
                foreach (var b in value.TakeWhile(b => b is >= (byte)'0' and <= (byte)'9'))
                    n = unchecked((n * 10) + (uint)(b - '0'));
                o.Text($"{entry.Prefix}{n.ToString(CultureInfo.InvariantCulture)}{entry.Suffix}.\n");
                break;
            case ControlReadStatus.Ok or ControlReadStatus.Missing:
                o.Text($"(Default.) {entry.Prefix}{entry.Default}{entry.Suffix}.\n");
                break;
            default:
                o.Text("Oops! Trouble reading this file.\n");
                break;
        }
    }

    /// <summary>control/queue: the directory its first line names (relative: in the home), or the default.</summary>
    private static void QueueDirectory(Output o, string path, Entry entry, Layout layout)
    {
        switch (ControlFile.ReadLine(path, out var value, out _))
        {
            case ControlReadStatus.Ok when value.AsSpan().Trim((byte)' ').Length > 0:
                o.Text(entry.Prefix);
                if (value[0] != (byte)'/')
                    o.Text(layout.Home + "/");
                o.Safe(value.AsSpan().Trim((byte)' ').ToArray());
                o.Text(".\n");
                break;
            case ControlReadStatus.Ok:
                o.Text($"(Default.) {entry.Prefix}");
                o.Safe(Encoding.UTF8.GetBytes($"{layout.Home}/{entry.Default}"));
                o.Text(".\n");
                break;
            default:
                o.Text("Oops! Trouble reading this file.\n");
                break;
        }
    }

    /// <summary>The queue's numbers, which may have a fraction (0.5 seconds): printed as written when they are numbers.</summary>
    private static void Decimal(Output o, string path, Entry entry)
    {
        switch (ControlFile.ReadLine(path, out var value, out _))
        {
            case ControlReadStatus.Ok when double.TryParse(Encoding.ASCII.GetString(value).Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _):
                o.Text(entry.Prefix);
                o.Safe(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(value).Trim()));
                o.Text($"{entry.Suffix}.\n");
                break;
            case ControlReadStatus.Ok:
                o.Text($"(Default.) {entry.Prefix}{entry.Default}{entry.Suffix}.\n");
                break;
            default:
                o.Text("Oops! Trouble reading this file.\n");
                break;
        }
    }

    private static ControlReadStatus List(Output o, string path, Entry entry)
    {
        var status = ControlFile.ReadList(path, out var items, out _);
        switch (status)
        {
            case ControlReadStatus.Ok:
                o.Text("\n");
                foreach (var item in items)
                {
                    o.Text(entry.Prefix);
                    o.Safe(item);
                    o.Text(entry.Suffix + "\n");
                }
                break;
            case ControlReadStatus.Missing:
                o.Text($"(Default.) {entry.Default}\n");
                break;
            default:
                o.Text("Oops! Trouble reading this file.\n");
                break;
        }
        return status;
    }

    private static string CdbState(Layout layout)
    {
        var source = new FileInfo(layout.Control("morercpthosts"));
        var cdb = new FileInfo(layout.Control("morercpthosts.cdb"));
        return (source.Exists, cdb.Exists) switch
        {
            (false, false) => "(Default.) No effect.",
            (false, true) => "Oops! morercpthosts.cdb exists but morercpthosts doesn't.",
            (true, false) => "Oops! morercpthosts exists but morercpthosts.cdb doesn't.",
            _ when source.LastWriteTimeUtc > cdb.LastWriteTimeUtc => "Oops! morercpthosts.cdb is older than morercpthosts.",
            _ => "Modified recently enough; hopefully up to date.",
        };
    }

    /// <summary>The report being built; values pass through qmail-showctl's safeput.</summary>
    private sealed class Output
    {
        private readonly MemoryStream _bytes = new();

        public void Text(string text) => _bytes.Write(Encoding.ASCII.GetBytes(text));

        /// <summary>Every byte outside 0x20..0x7E becomes '?'.</summary>
        public void Safe(byte[] value)
        {
            foreach (var b in value)
                _bytes.WriteByte(b is < 0x20 or > 0x7e ? (byte)'?' : b);
        }

        public ShowCtlReport Finish(string last, int exitCode)
        {
            Text(last);
            return new ShowCtlReport(_bytes.ToArray(), exitCode);
        }
    }
}
