using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MiniQmail.Qmqp.Codec;

namespace MiniQmail.Qmqp.Sink;

/// <summary>One message the sink has answered.</summary>
public sealed record SinkDelivery(Envelope Envelope, long MessageLength, string? Path, char Reply);

/// <summary>
/// A small QMQP server for the demo, tests and benchmarks: reads each request strictly and in a
/// streaming way (the message goes straight to disk, so size does not matter), stores it in a
/// Maildir with its envelope shown as Return-Path and Delivered-To lines, and answers.
/// </summary>
public sealed class QmqpSink : IAsyncDisposable
{
    private readonly QmqpSinkOptions _options;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Maildir? _maildir;
    private readonly Task _acceptLoop;
    private readonly List<SinkDelivery> _deliveries = [];
    private int _connections;

    private QmqpSink(QmqpSinkOptions options, Socket listener)
    {
        _options = options;
        _listener = listener;
        if (options.Maildir is not null)
            _maildir = new Maildir(options.Maildir);
        _acceptLoop = Task.Run(AcceptLoop);
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Connections accepted so far (refused clients included).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Messages answered so far, in order.</summary>
    public IReadOnlyList<SinkDelivery> Deliveries
    {
        get
        {
            lock (_deliveries)
                return _deliveries.ToArray();
        }
    }

    /// <summary>Called after each answered message (for a process that should stop after N).</summary>
    public event Action<SinkDelivery>? Delivered;

    /// <summary>Lines describing refused clients and broken requests.</summary>
    public event Action<string>? Log;

    public static QmqpSink Start(QmqpSinkOptions options)
    {
        var listener = new Socket(options.Listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (options.Listen.AddressFamily == AddressFamily.InterNetworkV6)
                listener.DualMode = false;
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(options.Listen);
            listener.Listen(512);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        return new QmqpSink(options, listener);
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested)
                    return;
                continue;
            }
            Interlocked.Increment(ref _connections);
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(Socket client)
    {
        using var _ = client;
        var remote = (IPEndPoint)client.RemoteEndPoint!;
        if (!_options.IsAllowed(remote.Address))
        {
            Log?.Invoke($"refused client {remote.Address}: not in the allow list");
            return;
        }
        client.NoDelay = true;
        await using var stream = new NetworkStream(client, ownsSocket: false);
        var reader = new RequestReader(stream, _options.Timeout, _stop.Token);
        string? tempName = null;
        FileStream? temp = null;
        try
        {
            var outer = await reader.ReadLengthAsync(long.MaxValue).ConfigureAwait(false);
            var start = reader.Consumed;
            var messageLength = await reader.ReadLengthAsync(outer).ConfigureAwait(false);
            if (_maildir is not null && _options.Reply == 'K')
                (tempName, temp) = _maildir.CreateTemp(".body");
            await reader.CopyAsync(temp, messageLength).ConfigureAwait(false);
            await reader.ExpectAsync((byte)',').ConfigureAwait(false);
            var addresses = new List<byte[]>();
            while (reader.Consumed - start < outer)
            {
                var length = await reader.ReadLengthAsync(_options.MaxAddressLength).ConfigureAwait(false);
                var address = new byte[length];
                await reader.ReadExactlyAsync(address).ConfigureAwait(false);
                await reader.ExpectAsync((byte)',').ConfigureAwait(false);
                addresses.Add(address);
            }
            if (reader.Consumed - start != outer || addresses.Count == 0)
                throw new InvalidDataException("request netstrings do not add up to the outer length");
            await reader.ExpectAsync((byte)',').ConfigureAwait(false);

            var envelope = new Envelope(addresses[0], addresses.Skip(1).ToArray());
            string? path = null;
            if (temp is not null)
            {
                path = Store(envelope, tempName!, temp);
                temp = null;
                tempName = null;
            }
            var text = _options.ReplyText ?? (_options.Reply == 'K' ? $"ok {DateTimeOffset.UtcNow.ToUnixTimeSeconds()} sink" : "refused by sink");
            await stream.WriteAsync(Netstring.Encode(Encoding.UTF8.GetBytes(_options.Reply + text)), _stop.Token).ConfigureAwait(false);
            var delivery = new SinkDelivery(envelope, messageLength, path, _options.Reply);
            lock (_deliveries)
                _deliveries.Add(delivery);
            Delivered?.Invoke(delivery);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or OperationCanceledException or SocketException or EndOfStreamException)
        {
            Log?.Invoke($"request from {remote.Address} dropped: {e.Message}");
        }
        finally
        {
            if (temp is not null)
            {
                await temp.DisposeAsync().ConfigureAwait(false);
                _maildir!.Discard(tempName!);
            }
        }
    }

    /// <summary>Writes envelope lines and the received body into one Maildir file.</summary>
    private string Store(Envelope envelope, string bodyName, FileStream body)
    {
        var (name, file) = _maildir!.CreateTemp();
        try
        {
            file.Write(Maildir.EnvelopeHeader(envelope.Sender, envelope.Recipients));
            body.Position = 0;
            body.CopyTo(file);
        }
        catch
        {
            file.Dispose();
            _maildir.Discard(name);
            throw;
        }
        finally
        {
            body.Dispose();
            _maildir.Discard(bodyName);
        }
        return _maildir.Commit(name, file);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    /// <summary>Buffered, strictly bounded reads of a request, each waiting at most the timeout.</summary>
    private sealed class RequestReader(Stream stream, TimeSpan timeout, CancellationToken stop)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _position;
        private int _length;

        public long Consumed { get; private set; }

        private async ValueTask Fill()
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(stop);
            cts.CancelAfter(timeout);
            _length = await stream.ReadAsync(_buffer, cts.Token).ConfigureAwait(false);
            _position = 0;
            if (_length == 0)
                throw new EndOfStreamException("client closed the connection mid-request");
        }

        private async ValueTask<byte> ReadByteAsync()
        {
            if (_position == _length)
                await Fill().ConfigureAwait(false);
            Consumed++;
            return _buffer[_position++];
        }

        public async ValueTask ExpectAsync(byte expected)
        {
            var b = await ReadByteAsync().ConfigureAwait(false);
            if (b != expected)
                throw new InvalidDataException($"expected '{(char)expected}', got byte {b.ToString(CultureInfo.InvariantCulture)}");
        }

        /// <summary>Reads <c>digits ":"</c> of a netstring, no leading zeros, at most <paramref name="max"/>.</summary>
        public async ValueTask<long> ReadLengthAsync(long max)
        {
            long value = 0;
            var digits = 0;
            while (true)
            {
                var b = await ReadByteAsync().ConfigureAwait(false);
                if (b == (byte)':' && digits > 0)
                    return value;
                if (b is < (byte)'0' or > (byte)'9' || (digits == 1 && value == 0) || digits >= 18)
                    throw new InvalidDataException("malformed netstring length");
                value = value * 10 + (b - '0');
                digits++;
                if (value > max)
                    throw new InvalidDataException("netstring too long");
            }
        }

        public async ValueTask ReadExactlyAsync(byte[] target)
        {
            var filled = 0;
            while (filled < target.Length)
            {
                if (_position == _length)
                    await Fill().ConfigureAwait(false);
                var n = Math.Min(target.Length - filled, _length - _position);
                Array.Copy(_buffer, _position, target, filled, n);
                _position += n;
                filled += n;
                Consumed += n;
            }
        }

        public async ValueTask CopyAsync(Stream? destination, long count)
        {
            while (count > 0)
            {
                if (_position == _length)
                    await Fill().ConfigureAwait(false);
                var n = (int)Math.Min(count, _length - _position);
                if (destination is not null)
                    await destination.WriteAsync(_buffer.AsMemory(_position, n), stop).ConfigureAwait(false);
                _position += n;
                Consumed += n;
                count -= n;
            }
        }
    }
}
