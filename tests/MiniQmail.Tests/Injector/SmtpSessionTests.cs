using System.Text;
using MiniQmail.Injector.Inject;
using MiniQmail.Injector.Sendmail;
using MiniQmail.Injector.Smtp;
using MiniQmail.Tests.Injector.Vectors;
using Xunit;

namespace MiniQmail.Tests.Injector;

/// <summary>sendmail -bs: the SMTP conversation, each message through the sendmail -f path.</summary>
public sealed class SmtpSessionTests(VectorFixture fixture) : IClassFixture<VectorFixture>
{
    private readonly List<CaptureQueue> _queues = [];

    private string Converse(string script, int queueExit = 0)
    {
        var output = new MemoryStream();
        var v = new Vector { Id = "X", Title = "", ControlSet = "C1", QueueExit = queueExit };
        var home = fixture.Harness.Layout("C1").Home;
        var env = VectorHarness.Env(new Dictionary<string, string> { ["USER"] = "www-data" });
        var session = new SmtpSession(new MemoryStream(Encoding.Latin1.GetBytes(script)), output, "client1.example.com",
            (words, data) => SendmailRunner.Run("sendmail", words, home, env, new SendmailServices
            {
                Inject = (args, e) =>
                {
                    var (result, queue, _) = fixture.Harness.RunInject(v, args, e, data);
                    _queues.Add(queue);
                    return result;
                },
                ListQueue = () => null,
                FlushQueue = () => null,
                Smtp = () => 1,
            }));
        Assert.Equal(0, session.Run());
        return Encoding.Latin1.GetString(output.ToArray());
    }

    [Fact]
    public void Two_messages_in_one_session_are_each_queued_with_their_envelope()
    {
        var replies = Converse(
            "EHLO app\r\nMAIL FROM:<app@x.example> SIZE=100\r\nRCPT TO:<a@y.example>\r\nRCPT TO:<b@y.example>\r\nDATA\r\n" +
            "Subject: one\r\n\r\n..leading dot\r\nline\r\n.\r\n" +
            "MAIL FROM:<>\r\nRCPT TO:<c@y.example>\r\nDATA\r\nSubject: two\r\n\r\nbody\r\n.\r\nQUIT\r\n");
        Assert.Equal(
            "220 client1.example.com ESMTP mini-qmail\r\n250-client1.example.com\r\n250-PIPELINING\r\n250 8BITMIME\r\n" +
            "250 ok\r\n250 ok\r\n250 ok\r\n354 go ahead\r\n250 ok\r\n250 ok\r\n250 ok\r\n354 go ahead\r\n250 ok\r\n221 client1.example.com\r\n",
            replies);
        Assert.Equal(2, _queues.Count);
        Assert.Equal("Fapp@x.example\0Ta@y.example\0Tb@y.example\0\0", Encoding.Latin1.GetString(_queues[0].Envelope!));
        var first = Encoding.Latin1.GetString(_queues[0].Captured.ToArray());
        Assert.EndsWith("Subject: one\n\n.leading dot\nline\n", first, StringComparison.Ordinal);
        Assert.Contains("From: app@x.example\n", first, StringComparison.Ordinal);
        Assert.Equal("F\0Tc@y.example\0\0", Encoding.Latin1.GetString(_queues[1].Envelope!));
    }

    [Fact]
    public void Rset_noop_and_sequence_errors_are_answered()
    {
        var replies = Converse("HELO x\r\nRCPT TO:<a@b>\r\nMAIL FROM:<s@x>\r\nDATA\r\nRSET\r\nNOOP\r\nDATA\r\nWHAT\r\nQUIT\r\n");
        Assert.Equal(
            "220 client1.example.com ESMTP mini-qmail\r\n250 client1.example.com\r\n503 MAIL first (#5.5.1)\r\n250 ok\r\n" +
            "503 RCPT first (#5.5.1)\r\n250 flushed\r\n250 ok\r\n503 MAIL first (#5.5.1)\r\n502 unimplemented (#5.5.1)\r\n221 client1.example.com\r\n",
            replies);
        Assert.Empty(_queues);
    }

    [Fact]
    public void A_refusal_by_the_queue_program_becomes_a_5xx_or_4xx_reply()
    {
        var permanent = Converse("MAIL FROM:<s@x.example>\r\nRCPT TO:<a@b.example>\r\nDATA\r\nSubject: x\r\n\r\nb\r\n.\r\nQUIT\r\n", queueExit: 31);
        Assert.Contains("\r\n554 mail server permanently rejected message (#5.3.0)\r\n", permanent, StringComparison.Ordinal);
        var temporary = Converse("MAIL FROM:<s@x.example>\r\nRCPT TO:<a@b.example>\r\nDATA\r\nSubject: x\r\n\r\nb\r\n.\r\nQUIT\r\n", queueExit: 71);
        Assert.Contains("\r\n451 mail server temporarily rejected message (#4.3.0)\r\n", temporary, StringComparison.Ordinal);
    }

    [Fact]
    public void Input_ending_inside_data_queues_nothing()
    {
        var replies = Converse("MAIL FROM:<s@x.example>\r\nRCPT TO:<a@b.example>\r\nDATA\r\nSubject: x\r\n\r\ncut off");
        Assert.EndsWith("354 go ahead\r\n", replies, StringComparison.Ordinal);
        Assert.Single(_queues);
        Assert.Null(_queues[0].Envelope);
    }

    [Fact]
    public void A_lone_dot_split_across_reads_still_ends_the_message()
    {
        var data = new SmtpDataStream(new SmtpReader(new OneByteStream("a\r\n..b\r\n.\r\nQUIT\r\n"u8.ToArray())));
        var copy = new MemoryStream();
        data.CopyTo(copy);
        Assert.Equal("a\n.b\n", Encoding.Latin1.GetString(copy.ToArray()));
        Assert.True(data.Completed);
    }

    [Theory]
    [InlineData("FROM:<a@b>", "a@b")]
    [InlineData("from: <> BODY=8BITMIME", "")]
    [InlineData("FROM:<@r1,@r2:u@h>", "u@h")]
    [InlineData("FROM:bare@x", "bare@x")]
    public void Mail_from_paths_are_read(string argument, string expected) =>
        Assert.Equal(expected, Encoding.Latin1.GetString(SmtpSession.PathArgument(Encoding.Latin1.GetBytes(argument), "FROM:"u8)!));
}
