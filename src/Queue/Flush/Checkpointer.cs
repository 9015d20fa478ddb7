using MiniQmail.Queue.Storage;

namespace MiniQmail.Queue.Flush;

/// <summary>
/// Checkpoints the queue's log every <see cref="Interval"/> while a flush run sends, on a
/// connection and a thread of its own. A run commits a lease and an outcome for every message;
/// left to the close, those 10-20 MB of log for 10,000 messages had to be written out and
/// copied in one go after the last delivery. Here the fsyncs happen while the deliveries go on,
/// and the close finds only the last interval's commits.
/// </summary>
internal sealed class Checkpointer : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    private readonly Func<IQueueStore> _open;
    private readonly Action<string>? _log;
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;

    public Checkpointer(Func<IQueueStore> open, Action<string>? log)
    {
        _open = open;
        _log = log;
        _thread = new Thread(Run) { IsBackground = true, Name = "flush-checkpoint" };
        _thread.Start();
    }

    private void Run()
    {
        // A short run is over before the first interval and never opens the second connection.
        if (_stop.Wait(Interval))
            return;
        IQueueStore store;
        try
        {
            store = _open();
        }
        catch (QueueStoreException)
        {
            // The run's own connection works or reports why not; the close checkpoints anyway.
            return;
        }
        using (store)
        {
            do
            {
                try
                {
                    store.Checkpoint();
                }
                catch (QueueStoreException e)
                {
                    // Nothing is lost: the committed log stays, and the close tries again.
                    _log?.Invoke($"checkpoint during the flush failed: {e.Message}");
                    return;
                }
            }
            while (!_stop.Wait(Interval));
        }
    }

    /// <summary>Stops the checkpoints and closes their connection (before the run closes its own, which checkpoints the rest).</summary>
    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        _stop.Dispose();
    }
}
