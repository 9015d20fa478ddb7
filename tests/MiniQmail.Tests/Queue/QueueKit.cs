using System.Text;
using MiniQmail.Control;
using MiniQmail.Qmqp.Codec;
using MiniQmail.Qmqp.Transport;
using MiniQmail.Queue;
using MiniQmail.Queue.Flush;
using MiniQmail.Queue.Storage;
using MiniQmail.Tests.Support;

namespace MiniQmail.Tests.Queue;

/// <summary>Shared pieces of the queue tests: a home with the queue on, messages, injections, flush options.</summary>
internal static class QueueKit
{
    /// <summary>A scratch home with control/queue (the queue in home/queue) and the given servers.</summary>
    public static ScratchHome HomeWithQueue(params string[] servers)
    {
        var home = new ScratchHome();
        home.WriteControl("queue", "");
        home.WriteControl("me", "client.example\n");
        // Short timeouts keep every wait in the tests bounded and small.
        home.WriteControl("timeoutqmqpconnect", "2\n");
        home.WriteControl("timeoutqmqp", "5\n");
        home.Servers(servers.Length == 0 ? [ClosedEntry()] : servers);
        return home;
    }

    public static string ClosedEntry() => $"127.0.0.1:{ScriptedQmqpServer.ClosedPort()}";

    public static string QueueDir(ScratchHome home) => Path.Combine(home.Home, "queue");

    public static SqliteQueueStore Open(ScratchHome home) => SqliteQueueStore.Open(QueueDir(home));

    public static byte[] Message(int n, int bodyBytes = 0) =>
        Encoding.ASCII.GetBytes($"Subject: message {n}\nMessage-ID: <{n}@test>\n\nbody {n}\n{new string('x', bodyBytes)}\n");

    public static Envelope Envelope(string sender = "a@b.example", params string[] recipients) =>
        new(Encoding.ASCII.GetBytes(sender), (recipients.Length == 0 ? ["c@d.example"] : recipients).Select(Encoding.ASCII.GetBytes).ToArray());

    /// <summary>Runs bin/qmail-queue with a message on fd 0 and its envelope on fd 1.</summary>
    public static ProgramResult Inject(ScratchHome home, byte[] message, Envelope? envelope = null, params (string, string?)[] env) =>
        ProgramRunner.Run(home.Bin("qmail-queue"), stdin: message, env: home.Environment(env),
            fd1Input: (envelope ?? Envelope()).ToQueueForm(), timeout: TimeSpan.FromSeconds(60));

    /// <summary>Runs mini-qmail with the given words against the home.</summary>
    public static ProgramResult Cli(ScratchHome home, params string[] args) =>
        ProgramRunner.Run(Programs.Executable, args, env: home.Environment(), timeout: TimeSpan.FromSeconds(90));

    public static ProgramResult Cli(ScratchHome home, (string, string?)[] env, params string[] args) =>
        ProgramRunner.Run(Programs.Executable, args, env: home.Environment(env), timeout: TimeSpan.FromSeconds(90));

    /// <summary>Options for an in-process flush run against the home's queue.</summary>
    public static FlushOptions FlushOptions(ScratchHome home, IReadOnlyList<string> servers, QueueSettings? settings = null) => new()
    {
        OpenStore = () => SqliteQueueStore.Open(QueueDir(home), durableCommits: false),
        Servers = servers.Select(s => QmqpServer.TryParse(Encoding.ASCII.GetBytes(s), out var server, out _) ? server! : throw new ArgumentException(s)).ToArray(),
        Timeouts = new QmqpTimeouts(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)),
        Settings = settings ?? Settings(home),
        LeaseOwner = LeaseOwner.Create(Environment.ProcessId),
        ReportingHost = "client.example",
        TempDirectory = home.Root,
    };

    public static QueueSettings Settings(ScratchHome home) =>
        new(QueueDir(home), QueueSettings.DefaultLifetime, 4, TimeSpan.FromMinutes(1), TimeSpan.FromHours(2));

    public static long Enqueue(ScratchHome home, byte[] message, Envelope? envelope = null, DateTimeOffset? at = null)
    {
        using var store = Open(home);
        using var source = MessageSource.FromBytes(message);
        return store.Enqueue(source, envelope ?? Envelope(), 0, at ?? DateTimeOffset.UtcNow);
    }

    public static string DatabaseFile(ScratchHome home) => SqliteQueueStore.DatabasePath(QueueDir(home));

    /// <summary>
    /// Enqueues <paramref name="count"/> messages with 4 KB bodies through a connection that is
    /// returned still open: nothing has closed the log, so they are in it and not yet in the
    /// database file, whose length comes back in <paramref name="databaseLength"/>.
    /// </summary>
    public static SqliteQueueStore EnqueueIntoLog(ScratchHome home, int count, out long databaseLength)
    {
        var writer = Open(home);
        using (var message = MessageSource.FromBytes(Message(1, bodyBytes: 4096)))
        {
            for (var i = 0; i < count; i++)
                writer.Enqueue(message, Envelope(), 0, DateTimeOffset.UtcNow);
        }
        databaseLength = new FileInfo(DatabaseFile(home)).Length;
        return writer;
    }

    /// <summary>All of a message read from the store; the source is disposed.</summary>
    public static byte[] ReadAll(MessageSource body)
    {
        using (body)
        {
            var copy = new MemoryStream();
            body.CopyTo(copy);
            return copy.ToArray();
        }
    }

    public static bool IsRoot => Environment.UserName == "root";

    public static bool UnderCi => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));
}
