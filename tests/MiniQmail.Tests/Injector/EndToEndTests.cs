using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MiniQmail.Tests.Support;
using Xunit;

namespace MiniQmail.Tests.Injector;

/// <summary>
/// sendmail → qmail-inject → the QMQP client in one process, against scripted loopback servers
/// (vectors.md §4, E01–E06). The client's own per-attempt diagnostics may precede qmail-inject's
/// line on standard error, so the vectors' line is checked as the last one.
/// </summary>
public sealed partial class EndToEndTests : IDisposable
{
    private readonly ScratchHome _home = new();

    public EndToEndTests()
    {
        _home.WriteControl("me", "mail.example.com\n").WriteControl("defaulthost", "example.com\n")
            .WriteControl("defaultdomain", "dom.example\n").WriteControl("plusdomain", "plus.example\n")
            .WriteControl("idhost", "client1.example.com\n");
    }

    public void Dispose() => _home.Dispose();

    private ProgramResult Sendmail(string[] args, string input) =>
        ProgramRunner.Run(_home.Bin("sendmail"), args, Encoding.ASCII.GetBytes(input), _home.Environment(("USER", "joe")), timeout: TimeSpan.FromSeconds(60));

    [Fact]
    public async Task E01_sendmail_t_reaches_the_server_with_the_reference_request()
    {
        await using var server = new ScriptedQmqpServer(ServerScript.Answer("3:Kok,"));
        _home.Servers(server.Entry);
        var result = Sendmail(["-t"], "To: bob\nSubject: hi\n\nbody\n");
        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Stderr);
        var (message, addresses) = ParseRequest(server.Requests.Single());
        Assert.Equal("Date: {DATE}\nMessage-ID: <{ID}>\nFrom: joe@example.com\nTo: bob@example.com\nSubject: hi\n\nbody\n", Normalize(message));
        Assert.Equal(["joe@example.com", "bob@example.com"], addresses);
    }

    [Theory]
    [InlineData("7:Dno way,", 100, "qmail-inject: fatal: mail server permanently rejected message (#5.3.0)")] // E02
    [InlineData("6:Zlater,", 111, "qmail-inject: fatal: mail server temporarily rejected message (#4.3.0)")] // E03
    [InlineData(null, 111, "qmail-inject: fatal: communication with mail server failed (#4.4.2)")] // E04
    public async Task E02_to_E04_server_answers_map_to_qmail_inject_exit_codes(string? reply, int exit, string lastLine)
    {
        await using var server = new ScriptedQmqpServer(reply is null ? ServerScript.CloseWithoutReply : ServerScript.Answer(reply));
        _home.Servers(server.Entry);
        var result = Sendmail(["bob"], "Subject: hi\n\nbody\n");
        Assert.Equal(exit, result.ExitCode);
        Assert.Equal(lastLine, result.StderrText.TrimEnd('\n').Split('\n')[^1]);
        var (message, addresses) = ParseRequest(server.Requests.Single());
        Assert.Equal("Date: {DATE}\nMessage-ID: <{ID}>\nFrom: joe@example.com\nCc: recipient list not shown: ;\nSubject: hi\n\nbody\n", Normalize(message));
        Assert.Equal(["joe@example.com", "bob@example.com"], addresses);
    }

    [Fact]
    public void E05_no_server_reachable_is_a_temporary_failure()
    {
        _home.Servers($"127.0.0.1:{ScriptedQmqpServer.ClosedPort()}");
        var result = Sendmail(["bob"], "Subject: hi\n\nbody\n");
        Assert.Equal(111, result.ExitCode);
        Assert.Equal("qmail-inject: fatal: connection to mail server rejected (#4.4.1)", result.StderrText.TrimEnd('\n').Split('\n')[^1]);
    }

    [Fact]
    public void E06_missing_qmqpservers_is_a_configuration_failure()
    {
        var result = Sendmail(["bob"], "Subject: hi\n\nbody\n");
        Assert.Equal(111, result.ExitCode);
        Assert.Equal("qmail-inject: fatal: qq unable to read configuration (#4.3.0)", result.StderrText.TrimEnd('\n').Split('\n')[^1]);
    }

    [Fact]
    public async Task Sendmail_bs_queues_each_message_of_the_session_through_qmqp()
    {
        await using var server = new ScriptedQmqpServer(ServerScript.Accept);
        _home.Servers(server.Entry);
        var session = "EHLO app\r\nMAIL FROM:<app@x.example>\r\nRCPT TO:<a@y.example>\r\nDATA\r\nSubject: one\r\n\r\n..dot\r\n.\r\n" +
            "RSET\r\nMAIL FROM:<>\r\nRCPT TO:<b@y.example>\r\nDATA\r\nSubject: two\r\n\r\nx\r\n.\r\nQUIT\r\n";
        var result = ProgramRunner.Run(_home.Bin("sendmail"), ["-bs"], Encoding.ASCII.GetBytes(session), _home.Environment(("USER", "joe")));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(8, Regex.Matches(result.StdoutText, "^250 ", RegexOptions.Multiline).Count);
        Assert.EndsWith("221 mail.example.com\r\n", result.StdoutText, StringComparison.Ordinal);
        Assert.Equal(2, server.Requests.Count);
        var (first, firstAddresses) = ParseRequest(server.Requests[0]);
        Assert.EndsWith("Subject: one\n\n.dot\n", first, StringComparison.Ordinal);
        Assert.Equal(["app@x.example", "a@y.example"], firstAddresses);
        Assert.Equal(["", "b@y.example"], ParseRequest(server.Requests[1]).Addresses);
    }

    /// <summary>Splits a QMQP request into its message and its addresses, checking every netstring length on the way.</summary>
    internal static (string Message, List<string> Addresses) ParseRequest(byte[] request)
    {
        var text = Encoding.Latin1.GetString(request);
        var position = 0;
        string Next()
        {
            var colon = text.IndexOf(':', position);
            var length = int.Parse(text.AsSpan(position, colon - position), CultureInfo.InvariantCulture);
            var value = text.Substring(colon + 1, length);
            Assert.Equal(',', text[colon + 1 + length]);
            position = colon + 2 + length;
            return value;
        }
        var outer = Next();
        Assert.Equal(text.Length, position);
        text = outer;
        position = 0;
        var message = Next();
        var addresses = new List<string>();
        while (position < text.Length)
            addresses.Add(Next());
        return (message, addresses);
    }

    private static string Normalize(string message) =>
        MessageId().Replace(DateField().Replace(message, "Date: {DATE}"), "Message-ID: <{ID}>");

    [GeneratedRegex(@"Date: \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d -0000")]
    private static partial Regex DateField();

    [GeneratedRegex(@"Message-ID: <\d{14}\.\d+\.qmail@client1\.example\.com>")]
    private static partial Regex MessageId();
}
