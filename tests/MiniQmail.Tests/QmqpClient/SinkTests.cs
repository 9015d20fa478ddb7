using System.Net;
using System.Net.Sockets;
using System.Text;
using MiniQmail.Qmqp.Codec;
using MiniQmail.Qmqp.Sink;
using MiniQmail.Tests.Support;
using Xunit;

namespace MiniQmail.Tests.QmqpClient;

/// <summary>`mini-qmail sink`, the QMQP server of the demo and the tests.</summary>
public class SinkTests : IDisposable
{
    private static readonly byte[] Message = Bytes.Of("Subject: sink test\\n\\nhello\\n");
    private static readonly byte[] EnvelopeBytes = Bytes.Of("Fjoe@example.com\\0Tbob@example.net\\0Tann@example.org\\0\\0");
    private readonly ScratchHome _home = new();

    public void Dispose() => _home.Dispose();

    private string MaildirPath => Path.Combine(_home.Root, "Maildir");

    [Fact]
    public void An_accepted_message_lands_in_the_maildir_with_its_envelope_on_top()
    {
        using var sink = new SinkProcess(MaildirPath);
        _home.Servers(sink.Entry);
        var result = ProgramRunner.Run(_home.Bin("qmail-queue"), [], Message, _home.Environment(), EnvelopeBytes);
        Assert.Equal(0, result.ExitCode);
        var stored = File.ReadAllText(sink.WaitForMessages(1).Single());
        Assert.Equal("Return-Path: <joe@example.com>\nDelivered-To: bob@example.net\nDelivered-To: ann@example.org\nSubject: sink test\n\nhello\n", stored);
        Assert.Empty(Directory.GetFiles(Path.Combine(MaildirPath, "tmp")));
    }

    [Theory]
    [InlineData("Z", 71)]
    [InlineData("D", 31)]
    public void A_sink_told_to_refuse_answers_so_and_stores_nothing(string reply, int exitCode)
    {
        using var sink = new SinkProcess(MaildirPath, "--reply", reply, "--reply-text", "told to");
        _home.Servers(sink.Entry);
        var result = ProgramRunner.Run(_home.Bin("qmail-qmqpc"), [], Message, _home.Environment(), EnvelopeBytes);
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Contains("refused: told to", result.StderrText, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(MaildirPath, "new")));
    }

    [Fact]
    public async Task Clients_outside_the_allow_list_are_disconnected_without_a_reply()
    {
        var options = new QmqpSinkOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), Maildir = MaildirPath, Allow = [IPNetwork.Parse("127.0.0.2/32")] };
        await using var sink = QmqpSink.Start(options);
        var request = RequestAndReplyTests.Request(Message, new Envelope("a@b"u8.ToArray(), ["c@d"u8.ToArray()]));

        Assert.Equal("", await Exchange(sink.LocalEndPoint, IPAddress.Loopback, request));
        Assert.Matches("^[0-9]+:Kok [0-9]+ sink,$", await Exchange(sink.LocalEndPoint, IPAddress.Parse("127.0.0.2"), request));
        Assert.Single(sink.Deliveries);
    }

    [Fact]
    public void By_default_only_loopback_clients_are_allowed()
    {
        var options = new QmqpSinkOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) };
        Assert.True(options.IsAllowed(IPAddress.Loopback));
        Assert.True(options.IsAllowed(IPAddress.IPv6Loopback));
        Assert.True(options.IsAllowed(IPAddress.Parse("::ffff:127.0.0.5")));
        Assert.False(options.IsAllowed(IPAddress.Parse("192.0.2.7")));
        Assert.False(options.IsAllowed(IPAddress.Parse("2001:db8::1")));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("10:5:hello,")] // outer length disagrees with what follows
    [InlineData("9:0:,0:,,")] // outer length too long
    [InlineData("4:0:,,")] // no sender
    [InlineData("07:0:,0:,,")] // leading zero
    public async Task Malformed_requests_are_dropped_without_storing_or_replying(string request)
    {
        await using var sink = QmqpSink.Start(new QmqpSinkOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), Maildir = MaildirPath, Timeout = TimeSpan.FromSeconds(1) });
        var reply = await Exchange(sink.LocalEndPoint, IPAddress.Loopback, Encoding.ASCII.GetBytes(request));
        Assert.DoesNotContain('K', reply);
        Assert.Empty(sink.Deliveries);
        Assert.Empty(Directory.GetFiles(Path.Combine(MaildirPath, "new")));
        Assert.Empty(Directory.GetFiles(Path.Combine(MaildirPath, "tmp")));
    }

    /// <summary>Sends a request from a chosen loopback source address and returns whatever comes back before the close.</summary>
    private static async Task<string> Exchange(IPEndPoint server, IPAddress source, byte[] request)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Bind(new IPEndPoint(source, 0));
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(server, limit.Token);
        try
        {
            await client.SendAsync(request, limit.Token);
            client.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
        }
        var received = new MemoryStream();
        var buffer = new byte[1024];
        try
        {
            int n;
            while ((n = await client.ReceiveAsync(buffer, limit.Token)) > 0)
                received.Write(buffer, 0, n);
        }
        catch (SocketException)
        {
        }
        return Encoding.Latin1.GetString(received.ToArray());
    }
}
