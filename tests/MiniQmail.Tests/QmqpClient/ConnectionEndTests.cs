using System.Net;
using System.Net.Sockets;
using System.Text;
using MiniQmail.Control;
using MiniQmail.Qmqp.Codec;
using MiniQmail.Qmqp.Transport;
using Xunit;

namespace MiniQmail.Tests.QmqpClient;

/// <summary>
/// How the client ends a connection: with a reset once the server has answered (no FIN
/// exchange, no TIME_WAIT left behind), with an orderly close when the conversation broke.
/// </summary>
public class ConnectionEndTests
{
    private static readonly byte[] Message = "Subject: end\n\nbody\n"u8.ToArray();
    private static readonly Envelope Envelope = new("a@b.example"u8.ToArray(), ["c@d.example"u8.ToArray()]);

    /// <summary>Serves one conversation with <paramref name="reply"/>, then reports how the client ended it.</summary>
    private static async Task<string> EndAfter(byte[] reply)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var peer = await listener.AcceptSocketAsync(timeout.Token);
            var request = new List<byte>();
            var buffer = new byte[4096];
            // The request ends with the envelope's closing comma; this one is small.
            while (!Encoding.ASCII.GetString(request.ToArray()).EndsWith("c@d.example,,", StringComparison.Ordinal))
            {
                var n = await peer.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                if (n == 0)
                    return "closed before the reply";
                request.AddRange(buffer.AsSpan(0, n));
            }
            await peer.SendAsync(reply, SocketFlags.None, timeout.Token);
            try
            {
                return await peer.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) == 0 ? "orderly close" : "more data";
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                return "reset";
            }
        });
        var server1 = new QmqpServer("127.0.0.1", port, IPAddress.Loopback);
        using var message = MessageSource.FromBytes(Message);
        var result = QmqpConnection.Deliver(server1, new IPEndPoint(IPAddress.Loopback, port), QmqpRequestFrame.Create(Message.Length, Envelope), message,
            new QmqpTimeouts(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)));
        Assert.True(server.Wait(TimeSpan.FromSeconds(15)));
        return $"{result.Status}: {server.Result}";
    }

    [Theory]
    [InlineData("Kok", "Accepted")]
    [InlineData("Zbusy", "TemporaryRefusal")]
    [InlineData("Dno", "PermanentRefusal")]
    public async Task After_the_servers_answer_the_client_resets_the_connection(string answer, string status)
    {
        var reply = Encoding.ASCII.GetBytes($"{answer.Length}:{answer},");
        Assert.Equal($"{status}: reset", await EndAfter(reply));
    }

    [Fact]
    public async Task A_broken_reply_ends_with_an_orderly_close()
    {
        Assert.Equal("CommunicationFailed: orderly close", await EndAfter("3:Kok;"u8.ToArray()));
    }
}
