using MiniQmail.Qmqp.Transport;
using MiniQmail.Tests.Support;
using Xunit;

namespace MiniQmail.Tests.Queue;

/// <summary>qmail-queue (qmail-qmqpc) with and without the retry queue, as separate processes.</summary>
public class QueueHandoffTests
{
    [Fact]
    public void Without_control_queue_a_message_no_server_takes_fails_as_before_and_nothing_is_created()
    {
        using var home = QueueKit.HomeWithQueue();
        File.Delete(home.Control("queue"));
        var result = QueueKit.Inject(home, QueueKit.Message(1));
        Assert.Equal(QueueExitCode.ConnectRefused, result.ExitCode);
        Assert.Contains("connection refused", result.StderrText, StringComparison.OrdinalIgnoreCase);
        Assert.False(Directory.Exists(QueueKit.QueueDir(home)));
    }

    [Fact]
    public void With_the_queue_on_a_message_no_server_takes_is_queued_intact_and_the_caller_sees_success_silently()
    {
        using var home = QueueKit.HomeWithQueue(QueueKit.ClosedEntry(), QueueKit.ClosedEntry());
        var message = QueueKit.Message(7, bodyBytes: 2 * 1024 * 1024);
        var result = QueueKit.Inject(home, message, QueueKit.Envelope("s@x.example", "r@y.example", "q@y.example"));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.StderrText);

        using var store = QueueKit.Open(home);
        var entry = Assert.Single(store.List());
        Assert.Equal("s@x.example"u8.ToArray(), entry.Envelope.Sender);
        Assert.Equal(2, entry.Envelope.Recipients.Count);
        Assert.Equal(message, QueueKit.ReadAll(store.ReadBody(entry.Id, home.Root)));
    }

    [Theory]
    [InlineData("3:Zno,")]
    [InlineData("garbage")]
    public async Task A_temporary_refusal_or_a_broken_reply_is_queued(string reply)
    {
        await using var server = new ScriptedQmqpServer(ServerScript.Answer(reply));
        using var home = QueueKit.HomeWithQueue(server.Entry);
        Assert.Equal(0, QueueKit.Inject(home, QueueKit.Message(1)).ExitCode);
        using var store = QueueKit.Open(home);
        Assert.Single(store.List());
    }

    [Fact]
    public async Task A_permanent_refusal_is_never_queued()
    {
        await using var server = new ScriptedQmqpServer(ServerScript.Answer("3:Dno,"));
        using var home = QueueKit.HomeWithQueue(server.Entry);
        var result = QueueKit.Inject(home, QueueKit.Message(1));
        Assert.Equal(QueueExitCode.PermanentRefusal, result.ExitCode);
        using var store = QueueKit.Open(home);
        Assert.Empty(store.List());
    }

    [Fact]
    public async Task A_message_a_server_accepts_is_not_queued()
    {
        await using var server = new ScriptedQmqpServer(ServerScript.Accept);
        using var home = QueueKit.HomeWithQueue(QueueKit.ClosedEntry(), server.Entry);
        Assert.Equal(0, QueueKit.Inject(home, QueueKit.Message(1)).ExitCode);
        Assert.Single(server.Requests);
        using var store = QueueKit.Open(home);
        Assert.Empty(store.List());
    }

    [Fact]
    public void A_malformed_queue_setting_is_a_configuration_error_not_a_silent_loss()
    {
        using var home = QueueKit.HomeWithQueue();
        home.WriteControl("queuelifetime", "soon\n");
        var result = QueueKit.Inject(home, QueueKit.Message(1));
        Assert.Equal(QueueExitCode.ConfigurationError, result.ExitCode);
        Assert.Contains("control/queuelifetime", result.StderrText, StringComparison.Ordinal);
    }
}

/// <summary>The queue costs nothing while it is off: its assembly and SQLite are never loaded.</summary>
public class QueueOffCostTests
{
    [Fact]
    public async Task Without_control_queue_neither_the_queue_assembly_nor_sqlite_is_loaded()
    {
        // A silent server keeps qmail-queue waiting for a reply while its mappings are read.
        await using var silent = new ScriptedQmqpServer(ServerScript.Silence);
        using var home = QueueKit.HomeWithQueue(silent.Entry);
        home.WriteControl("timeoutqmqp", "2\n");
        File.Delete(home.Control("queue"));
        var run = Task.Run(() => QueueKit.Inject(home, QueueKit.Message(1)));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string? maps = null;
        while (maps is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            foreach (var pid in Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(p => p!.All(char.IsAsciiDigit)))
            {
                try
                {
                    if (File.ReadAllText($"/proc/{pid}/environ").Contains($"MINIQMAIL_HOME={home.Home}\0", StringComparison.Ordinal)
                        && File.ReadAllText($"/proc/{pid}/maps") is var m && m.Contains("MiniQmail.QmqpClient.dll", StringComparison.Ordinal))
                        maps = m;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
        }
        Assert.NotNull(maps);
        Assert.DoesNotContain("MiniQmail.Queue.dll", maps, StringComparison.Ordinal);
        Assert.DoesNotContain("e_sqlite3", maps, StringComparison.Ordinal);
        var result = await run;
        Assert.Equal(QueueExitCode.CommunicationFailed, result.ExitCode);
    }
}
