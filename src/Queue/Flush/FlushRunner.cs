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
/// <remarks>
/// One thread owns the database connection: it leases messages in batches and commits the
/// outcomes the delivery threads report, all that have arrived in one transaction (a group
/// commit). At most <see cref="Window"/>(N) messages are leased and not yet committed at any
/// moment, so at most that many can have a K whose deletion is not yet on disk: that is the
/// whole at-least-once window.
/// </remarks>
public sealed class FlushRunner
{
    private enum Outcome
    {
        Delivered,
        Refused,
        Deferred,
        Untried,
    }

    private sealed class Job(QueueEntry entry, MessageSource body, long memory) : IDisposable
    {
        public QueueEntry Entry { get; } = entry;
        public MessageSource Body { get; } = body;
        /// <summary>Bytes of the body held in memory (0 when it waits in a temporary file).</summary>
        public long Memory { get; } = memory;
        public Outcome Outcome { get; set; }
        public AttemptResult? Last { get; set; }

        public void Dispose() => Body.Dispose();
    }

    private readonly FlushOptions _options;
    private readonly ServerBreakers _breakers;
    private readonly List<(QmqpServer Server, IPEndPoint Endpoint, string Name)> _endpoints = [];
    private readonly ConcurrentQueue<Job> _reported = new();
    private readonly AutoResetEvent _wake = new(false);
    private readonly List<string> _errors = [];
    // Outcomes worth waking the store thread for: fewer, larger transactions and fewer wake-ups
    // cost less per message (measured: 32 instead of 8 gave 10-20 % more messages a second, 128
    // instead of 32 another 4-9 %). Between wake-ups it looks every few milliseconds anyway.
    private const int WakeBatch = 128;
    /// <summary>Bodies a run holds in memory at most; leased bodies beyond it wait in temporary files.</summary>
    private const long BodyMemory = 32 * 1024 * 1024;
    private long _inMemory;
    private volatile bool _stop;
    private int _unrecorded;
    private int _lowWater;
    private int _delivered, _deferred, _bounced, _dropped, _untried;

    private FlushRunner(FlushOptions options)
    {
        _options = options;
        _breakers = new ServerBreakers(options.EffectiveAttemptTimeout, options.Time);
    }

    public static FlushReport Run(FlushOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var runner = new FlushRunner(options);
        try
        {
            return runner.Run(cancellation);
        }
        finally
        {
            runner._wake.Dispose();
        }
    }

    /// <summary>
    /// Messages leased at once: enough to keep N deliveries busy while the store thread commits,
    /// and to lease and commit in batches of dozens rather than a transaction per message.
    /// </summary>
    public static int Window(int concurrency) => concurrency * 4 + 128;

    private FlushReport Report() => new(_delivered, _deferred, _bounced, _dropped, _untried, _errors.ToArray());

    private FlushReport Run(CancellationToken cancellation)
    {
        IQueueStore store;
        try
        {
            store = _options.OpenStore();
        }
        catch (QueueStoreException e)
        {
            _errors.Add(e.Message);
            return Report();
        }
        using (store)
        {
            try
            {
                store.ReleaseDeadLeases(_options.IsLeaseOwnerAlive);
                if (!store.AnyDue(_options.Time.GetUtcNow(), _options.IgnoreSchedule))
                    return Report();
                _options.WorkFound?.Invoke();
                ResolveServers();
                Dispatch(store, cancellation);
            }
            catch (QueueStoreException e)
            {
                _errors.Add(e.Message);
                _stop = true;
            }
        }
        return Report();
    }

    private void ResolveServers()
    {
        foreach (var server in _options.Servers)
        {
            var endpoints = QmqpSender.Resolve(server, out var error);
            if (error is not null)
                _options.Log?.Invoke(error);
            foreach (var endpoint in endpoints)
                _endpoints.Add((server, endpoint, QmqpServer.Describe(endpoint)));
        }
    }

    /// <summary>The store thread: lease, hand out, commit outcomes, until nothing is left or the run stops.</summary>
    private void Dispatch(IQueueStore store, CancellationToken cancellation)
    {
        var concurrency = Math.Max(1, _options.Concurrency ?? _options.Settings.Concurrency);
        var window = Window(concurrency);
        _lowWater = concurrency;
        // Every attempt is bounded by the attempt timeout, so a live run is done with a leased
        // message within (messages ahead of it per thread + 1) attempts on every address; the
        // lease outlasts that, and another run never takes a message from a live one. A dead
        // run's leases are freed at the start of the next run instead of waiting for expiry.
        var lease = _options.EffectiveAttemptTimeout * Math.Max(1, _endpoints.Count) * (window / concurrency + 2) + TimeSpan.FromMinutes(1);
        using var checkpoints = new Checkpointer(_options.OpenStore, _options.Log);
        using var jobs = new JobQueue<Job>(concurrency);
        var workers = new Thread[concurrency];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = new Thread(() => Deliver(jobs, cancellation)) { IsBackground = true, Name = $"flush-{i}" };
            workers[i].Start();
        }
        var seen = new HashSet<long>();
        var inFlight = 0;
        var exhausted = false;
        try
        {
            while (true)
            {
                var bounced = _bounced;
                inFlight -= Commit(store);
                // A bounce just queued is due at once: look again.
                if (_bounced != bounced)
                    exhausted = false;
                if (_stop || cancellation.IsCancellationRequested)
                    exhausted = true;
                if (!exhausted && inFlight < window)
                {
                    var now = _options.Time.GetUtcNow();
                    var claimed = store.Claim(_options.LeaseOwner, now, now + lease, window - inFlight, _options.IgnoreSchedule);
                    exhausted = claimed.Count == 0;
                    var fresh = new List<QueueEntry>(claimed.Count);
                    foreach (var entry in claimed)
                    {
                        if (seen.Add(entry.Id))
                        {
                            fresh.Add(entry);
                            continue;
                        }
                        // A message tried in this run once already (only with --all) waits for the next run.
                        store.Release(entry.Id, _options.LeaseOwner);
                        exhausted = true;
                    }
                    // The bodies in one read transaction; the deliveries start on the first while the rest are read.
                    store.Snapshot(() =>
                    {
                        foreach (var entry in fresh)
                        {
                            _options.Hooks.At(QueueHooks.FlushClaimed);
                            jobs.Add(Lease(store, entry));
                            inFlight++;
                        }
                    });
                }
                if (exhausted && inFlight == 0)
                    break;
                if (Volatile.Read(ref _unrecorded) < WakeBatch)
                    _wake.WaitOne(TimeSpan.FromMilliseconds(3));
            }
        }
        finally
        {
            // Normally every job is done by now; after a failure, the ones left are not tried.
            _stop = true;
            jobs.Finish();
            foreach (var worker in workers)
                worker.Join();
            while (_reported.TryDequeue(out var unrecorded))
                Release(unrecorded);
        }
    }

    /// <summary>A leased message with its body: in memory while the run's bodies stay under <see cref="BodyMemory"/>.</summary>
    private Job Lease(IQueueStore store, QueueEntry entry)
    {
        var inMemory = _inMemory + entry.Size <= BodyMemory;
        var body = store.ReadBody(entry.Id, _options.TempDirectory, inMemory ? MessageSpool.DefaultMemoryThreshold : 0);
        var job = new Job(entry, body, inMemory && entry.Size <= MessageSpool.DefaultMemoryThreshold ? entry.Size : 0);
        _inMemory += job.Memory;
        return job;
    }

    /// <summary>Done with a message (store thread).</summary>
    private void Release(Job job)
    {
        _inMemory -= job.Memory;
        job.Dispose();
    }

    /// <summary>Commits every outcome reported so far in one transaction; returns how many.</summary>
    private int Commit(IQueueStore store)
    {
        var batch = new List<Job>();
        while (_reported.TryDequeue(out var job))
            batch.Add(job);
        if (batch.Count == 0)
            return 0;
        Interlocked.Add(ref _unrecorded, -batch.Count);
        var done = new List<string>();
        try
        {
            store.Batch(() =>
            {
                foreach (var job in batch)
                    Apply(store, job, done);
            });
            foreach (var hook in done)
                _options.Hooks.At(hook);
        }
        finally
        {
            foreach (var job in batch)
                Release(job);
        }
        return batch.Count;
    }

    /// <summary>Records one outcome; part of the batch's transaction.</summary>
    private void Apply(IQueueStore store, Job job, List<string> hooks)
    {
        var entry = job.Entry;
        var owner = _options.LeaseOwner;
        switch (job.Outcome)
        {
            case Outcome.Delivered:
                store.Complete(entry.Id, owner);
                hooks.Add(QueueHooks.FlushCompleted);
                _delivered++;
                return;
            case Outcome.Refused:
                ReturnToSender(store, job, BounceReason.PermanentRefusal, job.Last!.ToString());
                return;
            case Outcome.Untried:
                store.Release(entry.Id, owner);
                _untried++;
                return;
        }
        var failure = job.Last!;
        var now = _options.Time.GetUtcNow();
        if (now - entry.Created >= _options.Settings.Lifetime)
        {
            ReturnToSender(store, job, BounceReason.Expired, $"{failure} (queued for longer than {_options.Settings.Lifetime.TotalSeconds:0} s)");
            return;
        }
        var attempts = entry.Attempts + 1;
        var next = RetrySchedule.Next(attempts, failure.Status, now, _options.Settings.BackoffBase, _options.Settings.BackoffCap, _options.Random);
        store.RecordFailure(entry.Id, owner, attempts, failure.ToString(), next);
        hooks.Add(QueueHooks.FlushFailed);
        _deferred++;
        _options.Log?.Invoke($"message {entry.Id.ToString(CultureInfo.InvariantCulture)} deferred: {failure}");
    }

    /// <summary>A delivery thread: offers each message to the servers in order and reports the outcome to the store thread.</summary>
    private void Deliver(JobQueue<Job> jobs, CancellationToken cancellation)
    {
        while (jobs.Take() is { } job)
        {
            job.Outcome = _stop || cancellation.IsCancellationRequested ? Outcome.Untried : Attempt(job, cancellation);
            _reported.Enqueue(job);
            // Wake the store thread for a batch worth a commit, or before the workers run dry;
            // otherwise it looks on its own every few milliseconds (fewer context switches).
            if (Interlocked.Increment(ref _unrecorded) >= WakeBatch || jobs.Count <= _lowWater)
                _wake.Set();
        }
    }

    private Outcome Attempt(Job job, CancellationToken cancellation)
    {
        var frame = QmqpRequestFrame.Create(job.Body.Length, job.Entry.Envelope);
        foreach (var (server, endpoint, name) in _endpoints)
        {
            if (cancellation.IsCancellationRequested)
                break;
            var result = _breakers.Execute(name,
                token => QmqpConnection.Deliver(server, endpoint, frame, job.Body, _options.Timeouts, token),
                detail => new AttemptResult(server, name, AttemptStatus.ConnectTimeout, detail));
            if (result is not { } r)
                continue;
            job.Last = r;
            if (r.Status == AttemptStatus.Accepted)
            {
                // From here to the commit of the deletion lies the at-least-once window (docs/queue.md).
                _options.Hooks.At(QueueHooks.FlushAccepted);
                return Outcome.Delivered;
            }
            if (r.Status == AttemptStatus.PermanentRefusal)
                return Outcome.Refused;
        }
        if (_endpoints.TrueForAll(e => _breakers.IsOpen(e.Name)))
            _stop = true;
        // Every server address was shut off before this message's turn: nothing was tried, nothing counts.
        return job.Last is null ? Outcome.Untried : Outcome.Deferred;
    }

    /// <summary>
    /// Replaces the message with a notification to its sender in the same transaction; the
    /// notification is then an ordinary queued message, sent in this run or a later one. A
    /// message from the null sender (itself a bounce) is dropped instead: bounces never loop.
    /// </summary>
    private void ReturnToSender(IQueueStore store, Job job, BounceReason reason, string diagnostic)
    {
        var entry = job.Entry;
        var id = entry.Id.ToString(CultureInfo.InvariantCulture);
        if (IsNullSender(entry.Envelope.Sender))
        {
            store.Complete(entry.Id, _options.LeaseOwner);
            _dropped++;
            _options.Log?.Invoke($"message {id} from the null sender dropped, not bounced: {diagnostic}");
            return;
        }
        var head = new byte[(int)Math.Min(job.Body.Length, DeliveryStatusNotification.MaxReturnedHeader + 2)];
        var filled = 0;
        while (filled < head.Length && job.Body.Read(filled, head.AsSpan(filled)) is var n and > 0)
            filled += n;
        var now = _options.Time.GetUtcNow();
        var dsn = DeliveryStatusNotification.Build(entry.Envelope, head.AsSpan(0, filled), reason, diagnostic,
            _options.ReportingHost, entry.Created, now, $"{id}.{now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}");
        using var bounce = MessageSource.FromBytes(dsn);
        if (store.ReplaceWithBounce(entry.Id, _options.LeaseOwner, bounce, DeliveryStatusNotification.EnvelopeFor(entry.Envelope), now))
        {
            _bounced++;
            _options.Log?.Invoke($"message {id} returned to its sender: {diagnostic}");
        }
    }

    /// <summary>The null sender, and qmail's double-bounce sender #@[].</summary>
    public static bool IsNullSender(ReadOnlySpan<byte> sender) => sender.IsEmpty || sender.SequenceEqual("#@[]"u8);
}
