namespace MiniQmail.Queue.Flush;

/// <summary>
/// The hand-off from the store thread to the delivery threads: a queue and a count of what it
/// holds. Unlike BlockingCollection, finishing does not wake the waiting threads with an
/// exception each (a thrown exception costs milliseconds the first time in a process).
/// </summary>
internal sealed class JobQueue<T>(int consumers) : IDisposable
    where T : class
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<T> _items = new();
    private readonly SemaphoreSlim _available = new(0);
    private int _finished;

    /// <summary>Items waiting for a consumer.</summary>
    public int Count => _items.Count;

    public void Add(T item)
    {
        _items.Enqueue(item);
        _available.Release();
    }

    /// <summary>No more items: every consumer gets null once the queue is empty.</summary>
    public void Finish()
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0)
            _available.Release(consumers);
    }

    /// <summary>The next item, waiting for one; null when the queue is finished and empty.</summary>
    public T? Take()
    {
        _available.Wait();
        return _items.TryDequeue(out var item) ? item : null;
    }

    public void Dispose() => _available.Dispose();
}
