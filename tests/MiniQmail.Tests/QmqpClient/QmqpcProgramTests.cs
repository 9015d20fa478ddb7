using System.Diagnostics;
using System.Net;
using MiniQmail.Tests.Support;
using Xunit;

namespace MiniQmail.Tests.QmqpClient;

/// <summary>
/// qmail-qmqpc run as a process under its classic names against scripted loopback servers: the
/// reference vectors Q01-Q23 (qmqp.md) and the fault cases, including the deliberate
/// differences listed in the README.
/// </summary>
public class QmqpcProgramTests : IDisposable
{
    private static readonly byte[] Message = Bytes.Of("Subject: x\\n\\nhi\\n");
    private static readonly byte[] EnvelopeBytes = Bytes.Of("Fa@b.example\\0Tc@d.example\\0\\0");
    private const string ExpectedRequest = "49:15:Subject: x\\n\\nhi\\n,11:a@b.example,11:c@d.example,,";

    private readonly ScratchHome _home = new();

    public void Dispose() => _home.Dispose();

    private ProgramResult Qmqpc(byte[]? message = null, byte[]? envelope = null, string program = "qmail-qmqpc", TimeSpan? timeout = null) =>
        ProgramRunner.Run(_home.Bin(program), ["ignored", "-x"], message ?? Message, _home.Environment(), envelope ?? EnvelopeBytes, timeout);

    [Theory]
    [InlineData("qmail-qmqpc")]
    [InlineData("qmail-queue")]
    public async Task A_K_reply_exits_0_after_sending_the_reference_request_bytes(string program) // Q01
    {
        await using var server = new ScriptedQmqpServer(ServerScript.Accept);
        _home.Servers(server.Entry);
        var result = Qmqpc(program: program);
        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Stderr);
        Assert.Equal(ExpectedRequest, Bytes.Show(server.Requests.Single()));
    }

    [Fact]
    public async Task Message_bytes_CR_NUL_and_8bit_pass_through_untouched() // Q02, with a well-formed reply
    {
        await using var server = new ScriptedQmqpServer(ServerScript.Answer("22:Kok 1704423845 qp 4242,"));
        _home.Servers(server.Entry);
        var result = Qmqpc(Bytes.Of("Subject: y\\r\\n\\r\\nA\\0B\\xff\\n"), Bytes.Of("Fs@x.example\\0Tr1@x.example\\0Tr2@y.example\\0Tr3@z.example\\0\\0"));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("86:19:Subject: y\\r\\n\\r\\nA\\0B\\xff\\n,11:s@x.example,12:r1@x.example,12:r2@y.example,12:r3@z.example,,", Bytes.Show(server.Requests.Single()));
    }

    [Fact]
    public async Task An_empty_message_from_the_null_sender_to_nobody_is_sent_as_is() // Q03
    {
        await using var server = new ScriptedQmqpServer(ServerScript.Answer("1:K,"));
        _home.WriteControl("qmqpservers", $"# primary\n\n{server.Entry}  \n");
        var result = Qmqpc([], Bytes.Of("F\\0\\0"));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("6:0:,0:,,", Bytes.Show(server.Requests.Single()));
    }

    [Fact]
    public async Task An_empty_recipient_is_sent_as_an_empty_netstring() // Q04
    {
        await using var server = new ScriptedQmqpServer(ServerScript.Answer("1:K,"));
        _home.Servers(server.Entry);
        Assert.Equal(0, Qmqpc(Bytes.Of("x\\n"), Bytes.Of("Fa@b.example\\0T\\0\\0")).ExitCode);
        Assert.Equal("23:2:x\\n,11:a@b.example,0:,,", Bytes.Show(server.Requests.Single()));
    }

    [Fact]
    public async Task A_refused_connection_moves_on_to_the_next_server() // Q05
    {
        await using var server = new ScriptedQmqpServer(ServerScript.Accept);
        _home.Servers($"127.0.0.1:{ScriptedQmqpServer.ClosedPort()}", server.Entry);
        var result = Qmqpc();
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(1, server.Connections);
        Assert.Contains("connection refused", result.StderrText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Z_reply_moves_on_and_a_later_K_succeeds() // Q06: the original exits 71 at once
    {
        await using var busy = new ScriptedQmqpServer(ServerScript.Answer("5:Zbusy,"));
        await using var good = new ScriptedQmqpServer(ServerScript.Accept);
        _home.Servers(busy.Entry, good.Entry);
        var result = Qmqpc();
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(1, busy.Connections);
        Assert.Equal(1, good.Connections);
        Assert.Equal(ExpectedRequest, Bytes.Show(good.Requests.Single()));
        Assert.Contains($"qmail-qmqpc: warning: {busy.Entry}: temporarily refused: busy", result.StderrText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Z_reply_from_every_server_exits_71()
    {
        await using var a = new ScriptedQmqpServer(ServerScript.Answer("5:Zbusy,"));
        await using var b = new ScriptedQmqpServer(ServerScript.Answer("5:Zfull,"));
        _home.Servers(a.Entry, b.Entry);
        Assert.Equal(71, Qmqpc().ExitCode);
        Assert.Equal(1, b.Connections);
    }

    [Fact]
    public async Task A_D_reply_exits_31_and_no_other_server_is_tried() // Q07
    {
        await using var refusing = new ScriptedQmqpServer(ServerScript.Answer("5:Dnope,"));
        await using var other = new ScriptedQmqpServer(ServerScript.Accept);
        _home.Servers(refusing.Entry, other.Entry);
        var result = Qmqpc();
        Assert.Equal(31, result.ExitCode);
        Assert.Equal(0, other.Connections);
        Assert.Contains("permanently refused: nope", result.StderrText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("5:hello,", "reply status is not K, Z or D")] // Q08
    [InlineData("3:OK!,", "reply status is not K, Z or D")] // Q09: the original takes the K and exits 0
    [InlineData("Kraw", "does not start with a netstring length")] // Q10: the original exits 0
    [InlineData("GET / HTTP/1.0\r\n", "does not start with a netstring length")]
    [InlineData("3:Kok;", "does not end with ','")]
    [InlineData("99999999:K", "longer than 4096")]
    public async Task A_malformed_reply_is_a_communication_failure_with_its_reason(string reply, string reason)
    {
        await using var server = new ScriptedQmqpServer(ServerScript.Answer(reply));
        _home.Servers(server.Entry);
        var result = Qmqpc();
        Assert.Equal(74, result.ExitCode);
        Assert.Contains($"qmail-qmqpc: warning: {server.Entry}: malformed reply: ", result.StderrText, StringComparison.Ordinal);
        Assert.Contains(reason, result.StderrText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Garbage_from_one_server_moves_on_to_the_next()
    {
        await using var broken = new ScriptedQmqpServer(ServerScript.Answer("\u0000\u00ff\u0001garbage"));
        await using var good = new ScriptedQmqpServer(ServerScript.Accept);
        _home.Servers(broken.Entry, good.Entry);
        Assert.Equal(0, Qmqpc().ExitCode);
        Assert.Single(good.Requests);
    }

    [Theory]
    [InlineData("")] // Q11: closed without a reply
    [InlineData("6:Kok")] // closed in the middle of the reply
    public async Task A_close_before_a_complete_reply_moves_on_to_the_next_server(string partial)
    {
        await using var closing = new ScriptedQmqpServer(ServerScript.Answer(partial));
        await using var good = new ScriptedQmqpServer(ServerScript.Accept);
        _home.Servers(closing.Entry, good.Entry);
        var result = Qmqpc();
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("connection closed before a complete reply", result.StderrText, StringComparison.Ordinal);
        Assert.Equal(1, good.Connections);
    }

    [Fact]
    public async Task A_close_mid_reply_on_the_only_server_exits_74()
    {
        await using var closing = new ScriptedQmqpServer(ServerScript.Answer("6:Kok"));
        _home.Servers(closing.Entry);
        Assert.Equal(74, Qmqpc().ExitCode);
    }

    [Fact]
    public void Every_server_refusing_exits_73() // Q12
    {
        _home.Servers($"127.0.0.1:{ScriptedQmqpServer.ClosedPort()}", $"127.0.0.1:{ScriptedQmqpServer.ClosedPort()}");
        var result = Qmqpc();
        Assert.Equal(73, result.ExitCode);
        Assert.Equal(2, result.StderrText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void A_connect_that_gets_no_answer_times_out_with_72_after_the_configured_limit() // Q13, 1 s instead of 10
    {
        using var hole = new BlackHoleListener();
        _home.Servers(hole.Entry).WriteControl("timeoutqmqpconnect", "1\n");
        var watch = Stopwatch.StartNew();
        var result = Qmqpc(timeout: TimeSpan.FromSeconds(20));
        Assert.Equal(72, result.ExitCode);
        Assert.InRange(watch.Elapsed.TotalSeconds, 0.9, 10);
        Assert.Contains("connection timed out after 1 s", result.StderrText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silent_server_times_out_and_the_next_server_is_tried() // Q14: the original exits 74 after 60 s
    {
        await using var silent = new ScriptedQmqpServer(ServerScript.Silence);
        await using var good = new ScriptedQmqpServer(ServerScript.Accept);
        _home.Servers(silent.Entry, good.Entry).WriteControl("timeoutqmqp", "1\n");
        var watch = Stopwatch.StartNew();
        var result = Qmqpc(timeout: TimeSpan.FromSeconds(20));
        Assert.Equal(0, result.ExitCode);
        Assert.InRange(watch.Elapsed.TotalSeconds, 0.9, 10);
        Assert.Contains("no complete reply within 1 s", result.StderrText, StringComparison.Ordinal);
        Assert.Equal(1, good.Connections);
    }

    [Fact]
    public async Task A_server_dripping_its_reply_cannot_hold_the_client_past_the_timeout()
    {
        // Each byte comes well within the timeout, but the whole reply does not: the original
        // (per-read limits) would wait for ever on a peer that never stops dripping.
        await using var drip = new ScriptedQmqpServer(new ServerScript { Reply = System.Text.Encoding.ASCII.GetBytes("4000:K" + new string('x', 3994) + ","), DripDelay = TimeSpan.FromMilliseconds(100) });
        _home.Servers(drip.Entry).WriteControl("timeoutqmqp", "1\n");
        var watch = Stopwatch.StartNew();
        var result = Qmqpc(timeout: TimeSpan.FromSeconds(20));
        Assert.Equal(74, result.ExitCode);
        Assert.InRange(watch.Elapsed.TotalSeconds, 0.9, 5);
    }

    [Fact]
    public void A_missing_qmqpservers_exits_55_before_reading_anything() // Q15
    {
        var result = Qmqpc();
        Assert.Equal(55, result.ExitCode);
        Assert.Equal("qmail-qmqpc: fatal: unable to read control/qmqpservers: file does not exist\n", result.StderrText);
    }

    [Fact]
    public void An_empty_qmqpservers_exits_55() // Q16
    {
        _home.WriteControl("qmqpservers", "");
        Assert.Equal(55, Qmqpc().ExitCode);
    }

    [Theory]
    [InlineData("mail..example\n")] // Q17's lines are now read as a host name, an indented address and IPv6; this one is malformed
    [InlineData("127.0.0.266\n")] // Q18: the original wraps it to 127.0.0.10
    [InlineData("127.0.0.1:99999\n")]
    public async Task A_malformed_server_line_exits_55_with_the_line_named_and_nothing_sent(string content)
    {
        await using var server = new ScriptedQmqpServer(ServerScript.Accept);
        _home.WriteControl("qmqpservers", server.Entry + "\n" + content);
        var result = Qmqpc();
        Assert.Equal(55, result.ExitCode);
        Assert.StartsWith("qmail-qmqpc: fatal: control/qmqpservers line 2: ", result.StderrText, StringComparison.Ordinal);
        Assert.Equal(0, server.Connections);
    }

    [Fact]
    public async Task The_port_after_the_address_is_used_and_a_trailing_comment_ignored() // Q19: the original ignores the port
    {
        await using var server = new ScriptedQmqpServer(ServerScript.Accept);
        _home.WriteControl("qmqpservers", $"  {server.Entry} # the smart host\n");
        Assert.Equal(0, Qmqpc().ExitCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_host_name_with_a_port_is_resolved_and_used()
    {
        await using var server = new ScriptedQmqpServer(ServerScript.Accept);
        _home.Servers($"localhost:{server.EndPoint.Port}");
        Assert.Equal(0, Qmqpc().ExitCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task An_IPv6_server_on_the_loopback_is_reached()
    {
        await using var server = new ScriptedQmqpServer(ServerScript.Accept, IPAddress.IPv6Loopback);
        _home.Servers($"[::1]:{server.EndPoint.Port}");
        var result = Qmqpc();
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(ExpectedRequest, Bytes.Show(server.Requests.Single()));
    }

    [Theory]
    [InlineData("Xa@b.example\\0Tc@d.example\\0\\0")] // Q20
    [InlineData("Fa@b.example\\0Tc@d.example\\0")] // Q21
    [InlineData("Fa@b.example\\0Xc@d.example\\0\\0")] // Q22
    public async Task A_malformed_envelope_exits_91_without_connecting(string envelope)
    {
        await using var server = new ScriptedQmqpServer(ServerScript.Accept);
        _home.Servers(server.Entry);
        var result = Qmqpc(envelope: Bytes.Of(envelope));
        Assert.Equal(91, result.ExitCode);
        Assert.StartsWith("qmail-qmqpc: fatal: envelope format error: ", result.StderrText, StringComparison.Ordinal);
        Assert.Equal(0, server.Connections);
    }

    [Fact]
    public async Task Bytes_after_the_envelope_terminator_are_ignored() // Q23
    {
        await using var server = new ScriptedQmqpServer(ServerScript.Accept);
        _home.Servers(server.Entry);
        Assert.Equal(0, Qmqpc(envelope: Bytes.Of("Fa@b.example\\0Tc@d.example\\0\\0junk")).ExitCode);
        Assert.Equal(ExpectedRequest, Bytes.Show(server.Requests.Single()));
    }

    [Fact]
    public void A_missing_home_exits_61()
    {
        var result = ProgramRunner.Run(_home.Bin("qmail-qmqpc"), [], Message, _home.Environment(("MINIQMAIL_HOME", "/nonexistent/mini-qmail")), EnvelopeBytes);
        Assert.Equal(61, result.ExitCode);
    }

    [Fact]
    public async Task A_message_larger_than_the_memory_threshold_is_spooled_and_sent_intact()
    {
        // Through a pipe, so the length is unknown until the end: the client spools to a
        // temporary file (README, "Memory").
        var big = new byte[3 * 1024 * 1024 + 17];
        new Random(7).NextBytes(big);
        await using var server = new ScriptedQmqpServer(ServerScript.Accept);
        _home.Servers(server.Entry);
        var result = Qmqpc(big);
        Assert.Equal(0, result.ExitCode);
        var request = server.Requests.Single();
        var prefix = $"{"3145745:".Length + big.Length + ",11:a@b.example,11:c@d.example,".Length}:3145745:";
        Assert.Equal(prefix, System.Text.Encoding.ASCII.GetString(request, 0, prefix.Length));
        Assert.True(request.AsSpan(prefix.Length, big.Length).SequenceEqual(big));
        Assert.Empty(Directory.GetFiles(_home.Root, "mini-qmail.*.tmp"));
    }

    [Theory]
    [InlineData("<&- 1<\"$2\"", "unable to read the message: descriptor 0 is not open")]
    [InlineData("<\"$1\" 1>&-", "unable to read the envelope: descriptor 1 is not open")]
    [InlineData("<\"$1\" 1>>\"$2\"", "unable to read the envelope: descriptor 1 is not open for reading")]
    [InlineData("<\"$3\" 1<\"$2\"", "unable to read the message: Is a directory")]
    public async Task An_unreadable_descriptor_exits_54_with_a_reason_and_nothing_is_sent(string redirections, string reason)
    {
        // A closed descriptor must not be mistaken for one the runtime opened in its place.
        await using var server = new ScriptedQmqpServer(ServerScript.Accept);
        _home.Servers(server.Entry);
        var message = Path.Combine(_home.Root, "message");
        var envelope = Path.Combine(_home.Root, "envelope");
        File.WriteAllBytes(message, Message);
        File.WriteAllBytes(envelope, EnvelopeBytes);
        var result = ProgramRunner.Run("/bin/sh", ["-c", $"exec \"$0\" {redirections}", _home.Bin("qmail-qmqpc"), message, envelope, _home.Root],
            env: _home.Environment(), timeout: TimeSpan.FromSeconds(20));
        Assert.Equal(54, result.ExitCode);
        Assert.Equal($"qmail-qmqpc: fatal: {reason}\n", result.StderrText);
        Assert.Equal(0, server.Connections);
    }
}
