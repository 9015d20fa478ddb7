using System.Net;
using System.Net.Sockets;
using MiniQmail.Qmqp.Codec;

namespace MiniQmail.Tests.Support;

/// <summary>What a scripted server does with one connection.</summary>
public sealed record ServerScript
{
    /// <summary>Read the complete request before answering (as a real server does).</summary>
    public bool ReadRequest { get; init; } = true;

    /// <summary>Bytes to send back; null sends nothing.</summary>
    public byte[]? Reply { get; init; }

    /// <summary>Pause between reply bytes (a slow drip).</summary>
    public TimeSpan DripDelay { get; init; }

    /// <summary>Keep the connection open, silent, until the server is disposed.</summary>
    public bool Silent { get; init; }

    public static ServerScript Answer(string reply) => new() { Reply = System.Text.Encoding.Latin1.GetBytes(reply) };
    public static readonly ServerScript Accept = Answer("3:Kok,");
    public static readonly ServerScript CloseWithoutReply = new();
    public static readonly ServerScript Silence = new() { Silent = true };
}

/// <summary>
/// A loopback QMQP server that follows a script for each connection (refuse is simply a port
/// nobody listens on: see <see cref="ClosedPort"/>). It records every request it read, so tests
/// can compare the bytes on the wire with the reference vectors.
/// </summary>
public sealed class ScriptedQmqpServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Func<int, ServerScript> _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<byte[]> _requests = [];
    private readonly Task _loop;
    private int _connections;

    public ScriptedQmqpServer(Func<int, ServerScript> script, IPAddress? address = null, int port = 0)
    {
        _script = script;
        address ??= IPAddress.Loopback;
        _listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(address, port));
        _listener.Listen(64);
        _loop = Task.Run(Loop);
    }

    public ScriptedQmqpServer(ServerScript script, IPAddress? address = null) : this(_ => script, address)
    {
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>The qmqpservers entry for this server.</summary>
    public string Entry => EndPoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{EndPoint.Address}]:{EndPoint.Port}" : $"{EndPoint.Address}:{EndPoint.Port}";

    public int Connections => Volatile.Read(ref _connections);

    public IReadOnlyList<byte[]> Requests
    {
        get
        {
            lock (_requests)
                return _requests.ToArray();
        }
    }

    private async Task Loop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            var index = Interlocked.Increment(ref _connections) - 1;
            _ = Task.Run(() => Serve(client, _script(index)));
        }
    }

    private async Task Serve(Socket client, ServerScript script)
    {
        using var _ = client;
        try
        {
            if (script.ReadRequest)
            {
                var request = await ReadRequest(client);
                lock (_requests)
                    _requests.Add(request);
            }
            if (script.Reply is { } reply)
            {
                if (script.DripDelay > TimeSpan.Zero)
                {
                    foreach (var b in reply)
                    {
                        await client.SendAsync(new[] { b }, _stop.Token);
                        await Task.Delay(script.DripDelay, _stop.Token);
                    }
                }
                else
                {
                    await client.SendAsync(reply, _stop.Token);
                }
            }
            if (script.Silent)
                await Task.Delay(Timeout.Infinite, _stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Reads until the complete outer netstring has arrived (or the client stops sending).</summary>
    private async Task<byte[]> ReadRequest(Socket client)
    {
        var received = new MemoryStream();
        var reader = new NetstringReader(int.MaxValue);
        var buffer = new byte[64 * 1024];
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        limit.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var n = await client.ReceiveAsync(buffer, limit.Token);
            if (n == 0)
                return received.ToArray();
            received.Write(buffer, 0, n);
            var status = reader.Feed(buffer.AsSpan(0, n), out _);
            if (status != ScanStatus.NeedMoreData)
                return received.ToArray();
        }
    }

    /// <summary>A loopback port where nothing listens: connections are refused.</summary>
    public static int ClosedPort(IPAddress? address = null)
    {
        using var s = new Socket((address ?? IPAddress.Loopback).AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(address ?? IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _loop;
        _stop.Dispose();
    }
}

/// <summary>
/// A loopback listener whose accept queue is full, so that further connection attempts get no
/// answer at all: the way to make a connect time out without leaving loopback.
/// </summary>
public sealed class BlackHoleListener : IDisposable
{
    private readonly Socket _listener;
    private readonly List<Socket> _fillers = [];

    public BlackHoleListener()
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(0);
        // Fill the accept queue (backlog 0 holds one connection; a few more cover the kernel's
        // rounding) with connections nobody accepts.
        for (var i = 0; i < 4; i++)
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
            try
            {
                s.Connect(EndPoint);
            }
            catch (SocketException)
            {
            }
            _fillers.Add(s);
        }
        Thread.Sleep(200);
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    public string Entry => $"{EndPoint.Address}:{EndPoint.Port}";

    public void Dispose()
    {
        foreach (var s in _fillers)
            s.Dispose();
        _listener.Dispose();
    }
}
