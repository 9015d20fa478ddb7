using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using MiniQmail.Control;
using MiniQmail.Qmqp.Codec;
using MiniQmail.Qmqp.Transport;
using MiniQmail.Queue.Bounce;
using MiniQmail.Queue.Storage;

namespace MiniQmail.Queue.Flush;

/// <summary>
/// One flush run: leases due messages oldest first, offers each to the servers in order with
/// up to N in flight, and records the outcome. K removes the message; D returns it to its
/// sender at once; a temporary failure stores the next attempt time (<see cref="RetrySchedule"/>)
/// or, past queuelifetime, returns it. A server address that fails is skipped for the rest of
/// the run; once all are, the run stops and leaves the rest for the next one.
/// </summary>
public sealed class FlushRunner
{
    private readonly FlushOptions _options;
    private readonly ServerBreakers _breakers;
    private readonly List<(QmqpServer Server, IPEndPoint Endpoint, string Name)> _endpoints = [];
    private readonly ConcurrentDictionary<long, byte> _seen = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private volatile bool _stop;
    private int _delivered, _deferred, _bounced, _dropped, _untried;

    private FlushRunner(FlushOptions options)
    {
        _options = options;
        _breakers = new ServerBreakers(options.EffectiveAttemptTimeout, options.Time);
    }

    public static FlushReport Run(FlushOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new FlushRunner(options).Run(cancellation);
    }

    /// <summary>True when a run would find something to send now (for a cheap early exit).</summary>
    public static bool HasWork(FlushOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var store = options.OpenStore();
        store.ReleaseDeadLeases(options.IsLeaseOwnerAlive);
        return store.AnyDue(options.Time.GetUtcNow(), options.IgnoreSchedule);
    }

    private FlushReport Run(CancellationToken cancellation)
    {
        IQueueStore first;
        try
        {
            first = _options.OpenStore();
            first.ReleaseDeadLeases(_options.IsLeaseOwnerAlive);
            if (!first.AnyDue(_options.Time.GetUtcNow(), _options.IgnoreSchedule))
            {
                first.Dispose();
                return Report();
            }
        }
        catch (QueueStoreException e)
        {
            _errors.Enqueue(e.Message);
            return Report();
        }
        ResolveServers();
        var workers = new Thread[Math.Max(1, _options.Concurrency ?? _options.Settings.Concurrency)];
        for (var i = 0; i < workers.Length; i++)
        {
            var store = i == 0 ? first : null;
            workers[i] = new Thread(() => Work(store, cancellation)) { IsBackground = true, Name = $"flush-{i}" };
            workers[i].Start();
        }
        foreach (var worker in workers)
            worker.Join();
        return Report();
    }

    private FlushReport Report() => new(_delivered, _deferred, _bounced, _dropped, _untried, _errors.ToArray());

    private void ResolveServers()
    {
        foreach (var server in _options.Servers)
        {
            var endpoints = QmqpSender.Resolve(server, out var error);
            if (error is not null)
                _options.Log?.Invoke(error);
            foreach (var endpoint in endpoints)
                _endpoints.Add((server, endpoint, endpoint.ToString()));
        }
    }

    private void Work(IQueueStore? store, CancellationToken cancellation)
    {
        try
        {
            store ??= _options.OpenStore();
            using (store)
            {
                var lease = _options.EffectiveAttemptTimeout * Math.Max(1, _endpoints.Count) + TimeSpan.FromMinutes(1);
                while (!_stop && !cancellation.IsCancellationRequested)
                {
                    var now = _options.Time.GetUtcNow();
                    var claimed = store.Claim(_options.LeaseOwner, now, now + lease, 1, _options.IgnoreSchedule);
                    if (claimed.Count == 0)
                        return;
                    _options.Hooks.At(QueueHooks.FlushClaimed);
                    var entry = claimed[0];
                    if (!_seen.TryAdd(entry.Id, 0))
                    {
                        // Already tried in this run (only possible with --all): leave it for the next run.
                        store.Release(entry.Id, _options.LeaseOwner);
                        return;
                    }
                    Process(store, entry, cancellation);
                }
            }
        }
        catch (QueueStoreException e)
        {
            _errors.Enqueue(e.Message);
            _stop = true;
        }
    }

    private void Process(IQueueStore store, QueueEntry entry, CancellationToken cancellation)
    {
        var owner = _options.LeaseOwner;
        using var body = store.ReadBody(entry.Id, _options.TempDirectory);
        var frame = QmqpRequestFrame.Create(body.Length, entry.Envelope);
        AttemptResult? last = null;
        foreach (var (server, endpoint, name) in _endpoints)
        {
            if (cancellation.IsCancellationRequested)
                break;
            var result = _breakers.Execute(name,
                token => QmqpConnection.Deliver(server, endpoint, frame, body, _options.Timeouts, token),
                detail => new AttemptResult(server, name, AttemptStatus.ConnectTimeout, detail));
            if (result is not { } r)
                continue;
            last = r;
            if (r.Status == AttemptStatus.Accepted)
            {
                // Between K and this commit lies the at-least-once window (docs/queue.md).
                _options.Hooks.At(QueueHooks.FlushAccepted);
                store.Complete(entry.Id, owner);
                _options.Hooks.At(QueueHooks.FlushCompleted);
                Interlocked.Increment(ref _delivered);
                return;
            }
            if (r.Status == AttemptStatus.PermanentRefusal)
            {
                ReturnToSender(store, entry, body, BounceReason.PermanentRefusal, r.ToString());
                return;
            }
        }

        if (last is not { } failure)
        {
            // Every server address is shut off for this run: nothing was tried, nothing counts.
            store.Release(entry.Id, owner);
            Interlocked.Increment(ref _untried);
            _stop = true;
            return;
        }
        var now = _options.Time.GetUtcNow();
        if (now - entry.Created >= _options.Settings.Lifetime)
        {
            ReturnToSender(store, entry, body, BounceReason.Expired, $"{failure} (queued for longer than {_options.Settings.Lifetime.TotalSeconds:0} s)");
            return;
        }
        var attempts = entry.Attempts + 1;
        var next = RetrySchedule.Next(attempts, failure.Status, now, _options.Settings.BackoffBase, _options.Settings.BackoffCap, _options.Random);
        store.RecordFailure(entry.Id, owner, attempts, failure.ToString(), next);
        _options.Hooks.At(QueueHooks.FlushFailed);
        Interlocked.Increment(ref _deferred);
        _options.Log?.Invoke($"message {entry.Id.ToString(CultureInfo.InvariantCulture)} deferred: {failure}");
        if (_endpoints.TrueForAll(e => _breakers.IsOpen(e.Name)))
            _stop = true;
    }

    /// <summary>
    /// Replaces the message with a notification to its sender in one transaction; the
    /// notification is then an ordinary queued message, sent in this run or a later one. A
    /// message from the null sender (itself a bounce) is dropped instead: bounces never loop.
    /// </summary>
    private void ReturnToSender(IQueueStore store, QueueEntry entry, MessageSource body, BounceReason reason, string diagnostic)
    {
        var id = entry.Id.ToString(CultureInfo.InvariantCulture);
        if (IsNullSender(entry.Envelope.Sender))
        {
            store.Complete(entry.Id, _options.LeaseOwner);
            Interlocked.Increment(ref _dropped);
            _options.Log?.Invoke($"message {id} from the null sender dropped, not bounced: {diagnostic}");
            return;
        }
        var head = new byte[(int)Math.Min(body.Length, DeliveryStatusNotification.MaxReturnedHeader + 2)];
        var filled = 0;
        while (filled < head.Length && body.Read(filled, head.AsSpan(filled)) is var n and > 0)
            filled += n;
        var now = _options.Time.GetUtcNow();
        var dsn = DeliveryStatusNotification.Build(entry.Envelope, head.AsSpan(0, filled), reason, diagnostic,
            _options.ReportingHost, entry.Created, now, $"{id}.{now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}");
        using var bounce = MessageSource.FromBytes(dsn);
        if (store.ReplaceWithBounce(entry.Id, _options.LeaseOwner, bounce, DeliveryStatusNotification.EnvelopeFor(entry.Envelope), now))
        {
            Interlocked.Increment(ref _bounced);
            _options.Log?.Invoke($"message {id} returned to its sender: {diagnostic}");
        }
    }

    /// <summary>The null sender, and qmail's double-bounce sender #@[].</summary>
    public static bool IsNullSender(ReadOnlySpan<byte> sender) => sender.IsEmpty || sender.SequenceEqual("#@[]"u8);
}
