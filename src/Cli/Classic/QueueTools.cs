using System.Globalization;
using System.Text;
using System.Text.Json;
using MiniQmail.Cli.Edges;
using MiniQmail.Control;
using MiniQmail.Qmqp.Transport;
using MiniQmail.Queue;
using MiniQmail.Queue.Flush;
using MiniQmail.Queue.Storage;

namespace MiniQmail.Cli.Classic;

/// <summary>What a queue tool does to one message.</summary>
internal enum QueueAction
{
    Delete,
    Retry,
    Hold,
    Release,
}

/// <summary>
/// The retry queue's tools behind both surfaces: <c>mini-qmail flush</c> / <c>sendmail -q</c>,
/// and <c>mini-qmail queue …</c> / <c>mailq</c> / <c>sendmail -bp</c>. Exit codes: 0 done,
/// 100 no such message, 111 the queue (or its configuration) is unusable.
/// </summary>
internal static class QueueTools
{
    public const int NotFound = 100;
    public const int Unusable = 111;

    /// <summary>Runs one flush. Prints nothing on success; errors go to stderr and syslog.</summary>
    public static int Flush(string program, ProcessEnvironment env, bool all, int? concurrency, int randomDelaySeconds)
    {
        var layout = env.Layout;
        if (!QueueSettings.TryLoad(layout, out var settings, out var error) || !QmqpConfig.TryLoad(layout, out var config, out error))
            return Fail(program, error);
        var options = new FlushOptions
        {
            OpenStore = () => SqliteQueueStore.Open(settings!.Directory, durableCommits: false, TestCrashPoints.From(env)),
            Servers = config!.Servers,
            Timeouts = config.Timeouts,
            Settings = settings!,
            LeaseOwner = LeaseOwner.Create(Environment.ProcessId),
            ReportingHost = ReportingHost(layout),
            TempDirectory = env.TempDirectory,
            IgnoreSchedule = all,
            Concurrency = concurrency,
            Hooks = TestCrashPoints.From(env),
            Log = line => Syslog.Write(program, Syslog.Info, line),
            WorkFound = randomDelaySeconds > 0 ? () => Thread.Sleep(TimeSpan.FromSeconds(Random.Shared.NextDouble() * randomDelaySeconds)) : null,
        };
        var report = FlushRunner.Run(options);
        foreach (var line in report.Errors)
            Fail(program, line);
        return report.Failed ? Unusable : 0;
    }

    public static int List(string program, ProcessEnvironment env, bool json)
    {
        if (!TryOpen(program, env, out var store))
            return Unusable;
        using (store)
        {
            IReadOnlyList<QueueEntry> entries;
            try
            {
                entries = store!.List();
            }
            catch (QueueStoreException e)
            {
                return Fail(program, e.Message);
            }
            var now = DateTimeOffset.UtcNow;
            if (json)
            {
                WriteJson(writer =>
                {
                    writer.WriteStartArray();
                    foreach (var entry in entries)
                        WriteEntry(writer, entry, now);
                    writer.WriteEndArray();
                });
                return 0;
            }
            var output = new StringBuilder();
            foreach (var entry in entries)
                Describe(output, entry, now);
            output.Append(CultureInfo.InvariantCulture, $"{entries.Count} message{(entries.Count == 1 ? "" : "s")} in the queue\n");
            WriteOut(output.ToString());
            return 0;
        }
    }

    public static int Show(string program, ProcessEnvironment env, long id, bool json)
    {
        if (!TryOpen(program, env, out var store))
            return Unusable;
        using (store)
        {
            try
            {
                if (store!.Get(id) is not { } entry)
                    return Missing(program, id);
                using var body = store.ReadBody(id, env.TempDirectory);
                var now = DateTimeOffset.UtcNow;
                if (json)
                {
                    var bytes = new MemoryStream();
                    body.CopyTo(bytes);
                    WriteJson(writer =>
                    {
                        writer.WriteStartObject();
                        WriteFields(writer, entry, now);
                        writer.WriteString("message", Encoding.Latin1.GetString(bytes.GetBuffer(), 0, (int)bytes.Length));
                        writer.WriteEndObject();
                    });
                    return 0;
                }
                var head = new StringBuilder();
                Describe(head, entry, now);
                head.Append('\n');
                WriteOut(head.ToString());
                using var stdout = Console.OpenStandardOutput();
                body.CopyTo(stdout);
                return 0;
            }
            catch (QueueStoreException e)
            {
                return Fail(program, e.Message);
            }
        }
    }

    public static int Change(string program, ProcessEnvironment env, QueueAction action, long id)
    {
        if (!TryOpen(program, env, out var store))
            return Unusable;
        using (store)
        {
            try
            {
                var done = action switch
                {
                    QueueAction.Delete => store!.Delete(id),
                    QueueAction.Retry => store!.Retry(id, DateTimeOffset.UtcNow),
                    QueueAction.Hold => store!.SetHeld(id, true),
                    _ => store!.SetHeld(id, false),
                };
                return done ? 0 : Missing(program, id);
            }
            catch (QueueStoreException e)
            {
                return Fail(program, e.Message);
            }
        }
    }

    private static bool TryOpen(string program, ProcessEnvironment env, out IQueueStore? store)
    {
        store = null;
        if (!QueueSettings.TryLoad(env.Layout, out var settings, out var error))
        {
            Fail(program, error);
            return false;
        }
        try
        {
            store = SqliteQueueStore.Open(settings!.Directory, durableCommits: true);
            return true;
        }
        catch (QueueStoreException e)
        {
            Fail(program, e.Message);
            return false;
        }
    }

    private static string ReportingHost(Layout layout) =>
        ControlFile.ReadLine(layout.Control("me"), out var me, out _) == ControlReadStatus.Ok && me.Length > 0
            ? Encoding.Latin1.GetString(me)
            : Environment.MachineName;

    private static int Fail(string program, string reason)
    {
        Stdio.Fatal(program, reason);
        Syslog.Write(program, Syslog.Error, reason);
        return Unusable;
    }

    private static int Missing(string program, long id)
    {
        Stdio.Fatal(program, $"no message {id.ToString(CultureInfo.InvariantCulture)} in the queue");
        return NotFound;
    }

    /// <summary>One message in the listing: id, age, size, attempts, next attempt, sender; then recipients and the last error.</summary>
    private static void Describe(StringBuilder output, QueueEntry entry, DateTimeOffset now)
    {
        var inv = CultureInfo.InvariantCulture;
        var next = entry.Held ? "held" : entry.NextAttempt <= now ? "due now" : $"next in {Span(entry.NextAttempt - now)}";
        output.Append(inv, $"{entry.Id}  age {Span(now - entry.Created)}  {entry.Size} bytes  {entry.Attempts} attempt{(entry.Attempts == 1 ? "" : "s")}  {next}  from <{Address(entry.Envelope.Sender)}>\n");
        foreach (var recipient in entry.Envelope.Recipients)
            output.Append(inv, $"  to <{Address(recipient)}>\n");
        if (entry.LastError is { } error)
            output.Append(inv, $"  last error: {error}\n");
    }

    /// <summary>A duration as qmail people read it: 42s, 7m, 3h, 2d.</summary>
    internal static string Span(TimeSpan span)
    {
        var seconds = Math.Max(0, (long)span.TotalSeconds);
        return seconds switch
        {
            < 120 => $"{seconds}s",
            < 7200 => $"{seconds / 60}m",
            < 172800 => $"{seconds / 3600}h",
            _ => $"{seconds / 86400}d",
        };
    }

    private static string Address(byte[] address) => Encoding.Latin1.GetString(address);

    private static void WriteEntry(Utf8JsonWriter writer, QueueEntry entry, DateTimeOffset now)
    {
        writer.WriteStartObject();
        WriteFields(writer, entry, now);
        writer.WriteEndObject();
    }

    private static void WriteFields(Utf8JsonWriter writer, QueueEntry entry, DateTimeOffset now)
    {
        writer.WriteNumber("id", entry.Id);
        writer.WriteString("created", entry.Created.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        writer.WriteNumber("age_seconds", Math.Max(0, (long)(now - entry.Created).TotalSeconds));
        writer.WriteNumber("size", entry.Size);
        writer.WriteString("sender", Address(entry.Envelope.Sender));
        writer.WriteStartArray("recipients");
        foreach (var recipient in entry.Envelope.Recipients)
            writer.WriteStringValue(Address(recipient));
        writer.WriteEndArray();
        writer.WriteNumber("attempts", entry.Attempts);
        writer.WriteString("next_attempt", entry.NextAttempt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        if (entry.LastError is null)
            writer.WriteNull("last_error");
        else
            writer.WriteString("last_error", entry.LastError);
        writer.WriteBoolean("held", entry.Held);
        writer.WriteNumber("uid", entry.Owner);
    }

    private static void WriteJson(Action<Utf8JsonWriter> write)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
            write(writer);
        buffer.WriteByte((byte)'\n');
        using var stdout = Console.OpenStandardOutput();
        stdout.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteOut(string text)
    {
        using var stdout = Console.OpenStandardOutput();
        stdout.Write(Encoding.UTF8.GetBytes(text));
    }
}
