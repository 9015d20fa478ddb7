using System.Net;
using System.Net.Sockets;
using MiniQmail.Control;
using MiniQmail.Qmqp.Transport;

namespace MiniQmail.Installer.Doctor;

/// <summary>
/// Each server of control/qmqpservers accepts a TCP connection within the connect timeout.
/// Nothing is sent: the connection is closed as soon as it is made.
/// </summary>
public sealed class QmqpServersCheck : IDoctorCheck
{
    public IEnumerable<CheckResult> Run(DoctorContext context)
    {
        if (!QmqpConfig.TryLoad(context.Layout, out var config, out _))
            yield break; // ControlFilesCheck has said why.
        foreach (var server in config!.Servers)
        {
            var subject = $"qmqp {server}";
            var endpoints = QmqpSender.Resolve(server, out var resolveError);
            if (resolveError is not null || endpoints.Count == 0)
            {
                yield return new(CheckStatus.Failed, subject, resolveError ?? "no address");
                continue;
            }
            foreach (var endpoint in endpoints)
            {
                var (ok, detail) = Probe(endpoint, config.Timeouts.Connect, context.Cancellation);
                yield return new(ok ? CheckStatus.Ok : CheckStatus.Failed, endpoints.Count > 1 ? $"{subject} ({endpoint})" : subject, detail);
            }
        }
    }

    /// <summary>Connects and closes; whether it worked within <paramref name="timeout"/>, and how long it took or why not.</summary>
    public static (bool Ok, string Detail) Probe(IPEndPoint endpoint, TimeSpan timeout, CancellationToken cancellation)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(timeout);
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            socket.ConnectAsync(endpoint, limit.Token).AsTask().GetAwaiter().GetResult();
            return (true, $"accepts connections ({started.Elapsed.TotalMilliseconds:0} ms)");
        }
        catch (OperationCanceledException)
        {
            return (false, cancellation.IsCancellationRequested ? "cancelled" : $"no connection within {timeout.TotalSeconds:0.###} s");
        }
        catch (SocketException e)
        {
            return (false, $"unable to connect: {e.Message}");
        }
    }
}
