using System.Net;
using System.Net.Sockets;
using MiniQmail.Control;
using MiniQmail.Qmqp.Codec;

namespace MiniQmail.Qmqp.Transport;

/// <summary>The outcome of handing one message to the configured servers.</summary>
public sealed record SendResult(IReadOnlyList<AttemptResult> Attempts)
{
    /// <summary>The deciding attempt: the one that accepted or refused for good, else the last failure.</summary>
    public AttemptResult? Final => Attempts.Count == 0 ? null : Attempts[^1];

    public bool Accepted => Final is { Status: AttemptStatus.Accepted };

    /// <summary>The qmail-queue exit code: that of the deciding attempt (the original reports the last error too).</summary>
    public int ExitCode => Final is { } f ? QueueExitCode.From(f.Status) : QueueExitCode.ConfigurationError;
}

/// <summary>
/// Offers a message to the servers in file order. Unlike the original, which stops at the first
/// server it connects to, any temporary failure (Z, a broken or silent conversation) moves on to
/// the next server; only K and D end the search. See README, "Differences from mini-qmail".
/// </summary>
public static class QmqpSender
{
    /// <summary>Resolves a server to the addresses to try, in order; host names may have several.</summary>
    public static IReadOnlyList<IPEndPoint> Resolve(QmqpServer server, out string? error)
    {
        error = null;
        return server.Address is { } address ? [new IPEndPoint(address, server.Port)] : Lookup(server, out error);
    }

    // Apart, so that the resolver is loaded only when a host name is configured.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static IPEndPoint[] Lookup(QmqpServer server, out string? error)
    {
        error = null;
        try
        {
            return Array.ConvertAll(Dns.GetHostAddresses(server.Host), a => new IPEndPoint(a, server.Port));
        }
        catch (SocketException e)
        {
            error = $"unable to resolve {server.Host}: {e.Message}";
            return [];
        }
    }

    /// <param name="log">Receives one line per failed attempt, as it happens.</param>
    public static SendResult Send(IReadOnlyList<QmqpServer> servers, MessageSource message, Envelope envelope,
        QmqpTimeouts timeouts, Action<AttemptResult>? log = null, CancellationToken cancellation = default)
    {
        var frame = QmqpRequestFrame.Create(message.Length, envelope);
        var attempts = new List<AttemptResult>();
        foreach (var server in servers)
        {
            var endpoints = Resolve(server, out var resolveError);
            if (resolveError is not null)
            {
                var failed = new AttemptResult(server, server.ToString(), AttemptStatus.ConnectFailed, resolveError);
                attempts.Add(failed);
                log?.Invoke(failed);
                continue;
            }
            foreach (var endpoint in endpoints)
            {
                var attempt = QmqpConnection.Deliver(server, endpoint, frame, message, timeouts, cancellation);
                attempts.Add(attempt);
                if (!attempt.IsTemporary || attempt.Status == AttemptStatus.Cancelled)
                    return new SendResult(attempts);
                log?.Invoke(attempt);
            }
        }
        return new SendResult(attempts);
    }
}
