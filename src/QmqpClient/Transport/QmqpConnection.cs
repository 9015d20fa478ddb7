using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MiniQmail.Control;
using MiniQmail.Qmqp.Codec;

namespace MiniQmail.Qmqp.Transport;

/// <summary>
/// One QMQP conversation with one server address: connect, send the request, read the reply.
/// This is the only code that touches the socket, and the only place where timeouts live.
/// Every failure ends the conversation and becomes a typed <see cref="AttemptResult"/>.
/// </summary>
public static class QmqpConnection
{
    private const int ChunkSize = 64 * 1024;

    public static AttemptResult Deliver(QmqpServer server, IPEndPoint endpoint, QmqpRequestFrame frame, MessageSource message,
        QmqpTimeouts timeouts, CancellationToken cancellation = default)
    {
        var name = QmqpServer.Describe(endpoint);
        AttemptResult Result(AttemptStatus status, string detail) => new(server, name, status, detail);

        RawSocket socket;
        try
        {
            socket = RawSocket.Create(endpoint.AddressFamily);
        }
        catch (SocketException e)
        {
            return Result(AttemptStatus.SocketFailed, $"unable to create a socket: {e.Message}");
        }

        using (socket)
        using (cancellation.Register(static s => ((RawSocket)s!).Cancel(), socket))
        {
            var stage = "connect";
            try
            {
                if (!Connect(socket, endpoint, timeouts.Connect, out var connectError))
                    return connectError == SocketError.TimedOut
                        ? Result(AttemptStatus.ConnectTimeout, $"connection timed out after {timeouts.Connect.TotalSeconds:0.###} s")
                        : Result(AttemptStatus.ConnectFailed, $"unable to connect: {Describe(connectError)}");

                socket.NoDelay = true;
                stage = "send";
                Send(socket, frame, message, timeouts.Io);
                stage = "reply";
                var reply = ReadReply(socket, timeouts.Io, Result);
                // The server has said its last word: end with a reset rather than the FIN
                // exchange, which spares both ends a round of packets and the server a
                // TIME_WAIT entry per message (Postfix's qmqp-source closes the same way).
                if (reply.Status is AttemptStatus.Accepted or AttemptStatus.TemporaryRefusal or AttemptStatus.PermanentRefusal)
                    socket.ResetOnClose();
                return reply;
            }
            catch (Exception e) when (cancellation.IsCancellationRequested && e is SocketException or ObjectDisposedException or IOException)
            {
                return Result(AttemptStatus.Cancelled, $"cancelled during {stage}");
            }
            catch (SocketException e) when (stage == "connect")
            {
                return Result(AttemptStatus.ConnectFailed, $"unable to connect: {Describe(e.SocketErrorCode)}");
            }
            catch (SocketException e)
            {
                var what = e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock
                    ? $"timed out after {timeouts.Io.TotalSeconds:0.###} s"
                    : Describe(e.SocketErrorCode);
                return Result(AttemptStatus.CommunicationFailed, stage == "send" ? $"unable to send the message: {what}" : $"no reply: {what}");
            }
            catch (IOException e)
            {
                return Result(AttemptStatus.CommunicationFailed, $"unable to read the message: {e.Message}");
            }
        }
    }

    /// <summary>A connect with a limit: non-blocking, then a wait for writability, as the original does.</summary>
    private static bool Connect(RawSocket socket, IPEndPoint endpoint, TimeSpan timeout, out SocketError error)
    {
        error = socket.Connect(endpoint, ToMilliseconds(timeout));
        return error == SocketError.Success;
    }

    private static void Send(RawSocket socket, QmqpRequestFrame frame, MessageSource message, TimeSpan timeout)
    {
        var limit = ToMilliseconds(timeout);
        var total = frame.TotalLength;
        // Small requests go out in one write (one segment with NoDelay); large ones in chunks.
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(total, ChunkSize));
        try
        {
            var filled = frame.Prefix.Length;
            frame.Prefix.CopyTo(buffer, 0);
            long offset = 0;
            var suffixSent = false;
            while (!suffixSent)
            {
                while (filled < buffer.Length && offset < message.Length)
                {
                    var n = message.Read(offset, buffer.AsSpan(filled));
                    if (n == 0)
                        throw new IOException("message ended early");
                    offset += n;
                    filled += n;
                }
                if (offset == message.Length && buffer.Length - filled >= frame.Suffix.Length)
                {
                    frame.Suffix.CopyTo(buffer, filled);
                    filled += frame.Suffix.Length;
                    suffixSent = true;
                }
                SendAll(socket, buffer.AsSpan(0, filled), limit);
                filled = 0;
                if (offset == message.Length && !suffixSent)
                {
                    SendAll(socket, frame.Suffix, limit);
                    suffixSent = true;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Sends all of <paramref name="data"/>; each wait for the socket to take more is limited (the original's write timeout).</summary>
    private static void SendAll(RawSocket socket, ReadOnlySpan<byte> data, int timeoutMs)
    {
        while (!data.IsEmpty)
        {
            var n = socket.Send(data, timeoutMs);
            data = data[n..];
        }
    }

    /// <summary>
    /// Reads one strict netstring reply. The whole reply must arrive within the I/O timeout, so a
    /// peer that trickles bytes cannot hold the client past it.
    /// </summary>
    private static AttemptResult ReadReply(RawSocket socket, TimeSpan timeout, Func<AttemptStatus, string, AttemptResult> result)
    {
        var reader = new NetstringReader(QmqpReply.MaxLength);
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        Span<byte> buffer = stackalloc byte[512];
        while (true)
        {
            var remaining = deadline - Stopwatch.GetTimestamp();
            if (remaining <= 0)
                return result(AttemptStatus.CommunicationFailed, $"no complete reply within {timeout.TotalSeconds:0.###} s");
            int n;
            try
            {
                n = socket.Receive(buffer, Math.Max(1, (int)Math.Min(int.MaxValue, remaining * 1000 / Stopwatch.Frequency)));
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
            {
                return result(AttemptStatus.CommunicationFailed, $"no complete reply within {timeout.TotalSeconds:0.###} s");
            }
            if (n == 0)
                return result(AttemptStatus.CommunicationFailed, "connection closed before a complete reply");
            switch (reader.Feed(buffer[..n], out _))
            {
                case ScanStatus.Invalid:
                    return result(AttemptStatus.CommunicationFailed, $"malformed reply: {reader.Error}");
                case ScanStatus.Done:
                    if (!QmqpReply.TryParse(reader.Content, out var reply, out var error))
                        return result(AttemptStatus.CommunicationFailed, $"malformed reply: {error}");
                    return reply.Status switch
                    {
                        ReplyStatus.Accepted => result(AttemptStatus.Accepted, $"accepted: {reply.Text}"),
                        ReplyStatus.TemporaryFailure => result(AttemptStatus.TemporaryRefusal, $"temporarily refused: {reply.Text}"),
                        _ => result(AttemptStatus.PermanentRefusal, $"permanently refused: {reply.Text}"),
                    };
            }
        }
    }

    private static int ToMilliseconds(TimeSpan t) => (int)Math.Clamp(t.TotalMilliseconds, 1, int.MaxValue);

    private static string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.ConnectionReset => "connection reset by peer",
        SocketError.Shutdown or SocketError.ConnectionAborted => "connection closed",
        SocketError.HostUnreachable => "host unreachable",
        SocketError.NetworkUnreachable => "network unreachable",
        SocketError.AddressNotAvailable => "address not available",
        SocketError.TimedOut => "timed out",
        _ => error.ToString(),
    };
}
