using System.Text.Json;
using MiniQmail.Queue;
using MiniQmail.Tests.Support;
using Xunit;

namespace MiniQmail.Tests.Queue;

/// <summary>mini-qmail queue … and mini-qmail flush, as separate processes.</summary>
public class QueueToolTests
{
    [Fact]
    public void List_shows_id_age_size_attempts_next_attempt_sender_recipients_and_last_error()
    {
        using var home = QueueKit.HomeWithQueue();
        Assert.Equal(0, QueueKit.Inject(home, QueueKit.Message(1), QueueKit.Envelope("s@x.example", "r@y.example")).ExitCode);
        Assert.Equal(0, QueueKit.Cli(home, "flush").ExitCode);

        var list = QueueKit.Cli(home, "queue", "list");
        Assert.Equal(0, list.ExitCode);
        Assert.Matches(@"^1  age \d+s  \d+ bytes  1 attempt  next in \d+s  from <s@x\.example>\n  to <r@y\.example>\n  last error: 127\.0\.0\.1:\d+: unable to connect: connection refused\n1 message in the queue\n$", list.StdoutText);

        var json = QueueKit.Cli(home, "queue", "list", "--json");
        using var doc = JsonDocument.Parse(json.StdoutText);
        var entry = Assert.Single(doc.RootElement.EnumerateArray().ToArray());
        Assert.Equal(1, entry.GetProperty("id").GetInt64());
        Assert.Equal("s@x.example", entry.GetProperty("sender").GetString());
        Assert.Equal("r@y.example", entry.GetProperty("recipients")[0].GetString());
        Assert.Equal(1, entry.GetProperty("attempts").GetInt32());
        Assert.Contains("connection refused", entry.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.False(entry.GetProperty("held").GetBoolean());
    }

    [Fact]
    public void Show_prints_the_record_then_the_message_and_json_carries_the_message()
    {
        using var home = QueueKit.HomeWithQueue();
        QueueKit.Inject(home, QueueKit.Message(3));
        var show = QueueKit.Cli(home, "queue", "show", "1");
        Assert.Equal(0, show.ExitCode);
        Assert.EndsWith("\n\nSubject: message 3\nMessage-ID: <3@test>\n\nbody 3\n\n", show.StdoutText, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(QueueKit.Cli(home, "queue", "show", "1", "--json").StdoutText);
        Assert.StartsWith("Subject: message 3\n", doc.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(100, QueueKit.Cli(home, "queue", "show", "99").ExitCode);
    }

    [Fact]
    public async Task Hold_keeps_a_message_from_flush_release_and_retry_let_it_go_and_delete_removes_it()
    {
        await using var server = new ScriptedQmqpServer(ServerScript.Accept);
        using var home = QueueKit.HomeWithQueue();
        QueueKit.Inject(home, QueueKit.Message(1));
        QueueKit.Inject(home, QueueKit.Message(2));
        Assert.Equal(0, QueueKit.Cli(home, "flush").ExitCode);
        home.Servers(server.Entry);

        Assert.Equal(0, QueueKit.Cli(home, "queue", "hold", "1").ExitCode);
        Assert.Equal(0, QueueKit.Cli(home, "queue", "retry", "2").ExitCode);
        Assert.Contains("held", QueueKit.Cli(home, "queue", "list").StdoutText, StringComparison.Ordinal);
        Assert.Equal(0, QueueKit.Cli(home, "flush").ExitCode);
        Assert.Single(server.Requests);

        Assert.Equal(0, QueueKit.Cli(home, "queue", "release", "1").ExitCode);
        Assert.Equal(0, QueueKit.Cli(home, "flush", "--all").ExitCode);
        Assert.Equal(2, server.Requests.Count);

        home.Servers(QueueKit.ClosedEntry());
        Assert.Equal(0, QueueKit.Inject(home, QueueKit.Message(3)).ExitCode);
        Assert.Equal(0, QueueKit.Cli(home, "queue", "delete", "3").ExitCode);
        Assert.Equal(100, QueueKit.Cli(home, "queue", "delete", "3").ExitCode);
        Assert.Equal("0 messages in the queue\n", QueueKit.Cli(home, "queue", "list").StdoutText);
    }

    [Fact]
    public void Flush_with_the_servers_down_or_nothing_to_do_prints_nothing_and_exits_0()
    {
        using var home = QueueKit.HomeWithQueue();
        var idle = QueueKit.Cli(home, "flush", "--random-delay", "600");
        Assert.Equal(0, idle.ExitCode);
        Assert.Equal("", idle.StdoutText + idle.StderrText);
        Assert.True(idle.Elapsed < TimeSpan.FromSeconds(10), "a flush with nothing to do does not wait");

        QueueKit.Inject(home, QueueKit.Message(1));
        var down = QueueKit.Cli(home, "flush");
        Assert.Equal(0, down.ExitCode);
        Assert.Equal("", down.StdoutText + down.StderrText);
    }

    [Fact]
    public void Flush_reports_an_unusable_queue_on_stderr_with_exit_111()
    {
        using var home = QueueKit.HomeWithQueue();
        home.WriteControl("queueconcurrency", "lots\n");
        var result = QueueKit.Cli(home, "flush");
        Assert.Equal(111, result.ExitCode);
        Assert.StartsWith("mini-qmail flush: fatal: control/queueconcurrency", result.StderrText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sendmail_queues_what_no_server_takes_mailq_and_bp_list_it_and_q_sends_it()
    {
        using var home = QueueKit.HomeWithQueue();
        var sent = ProgramRunner.Run(home.Bin("sendmail"), ["-t"], stdin: "To: x@y.example\nSubject: queued\n\nhi\n"u8.ToArray(), env: home.Environment());
        Assert.Equal("exit 0; stdout: ; stderr: ", sent.ToString());
        foreach (var (program, args) in new[] { ("mailq", Array.Empty<string>()), ("sendmail", new[] { "-bp" }) })
        {
            var list = ProgramRunner.Run(home.Bin(program), args, env: home.Environment());
            Assert.Equal(0, list.ExitCode);
            Assert.Matches(@"^1  age \d+s  \d+ bytes  0 attempts  due now  from <\S+>\n  to <x@y\.example>\n1 message in the queue\n$", list.StdoutText);
        }

        await using var server = new ScriptedQmqpServer(ServerScript.Accept);
        home.Servers(server.Entry);
        var flush = ProgramRunner.Run(home.Bin("sendmail"), ["-q"], env: home.Environment());
        Assert.Equal("exit 0; stdout: ; stderr: ", flush.ToString());
        Assert.Contains("Subject: queued", System.Text.Encoding.ASCII.GetString(Assert.Single(server.Requests)), StringComparison.Ordinal);
        Assert.EndsWith("0 messages in the queue\n", ProgramRunner.Run(home.Bin("mailq"), env: home.Environment()).StdoutText, StringComparison.Ordinal);
    }

    [Fact]
    public void The_schedule_runs_flush_every_few_minutes_with_a_per_host_offset_and_a_random_delay()
    {
        var cron = Schedule.CronD("/var/mini-qmail", n => 3);
        Assert.Contains("\n3-59/5 * * * * root /var/mini-qmail/bin/mini-qmail flush --random-delay 120\n", cron, StringComparison.Ordinal);
        Assert.Contains("ExecStart=/var/mini-qmail/bin/mini-qmail flush\n", Schedule.Service("/var/mini-qmail"), StringComparison.Ordinal);
        Assert.Contains("RandomizedDelaySec=120\n", Schedule.Timer(), StringComparison.Ordinal);
        Assert.Contains("OnUnitActiveSec=5min\n", Schedule.Timer(), StringComparison.Ordinal);
    }
}
