using MiniQmail.Qmqp.Transport;

namespace MiniQmail.Queue;

/// <summary>
/// When a message that failed is tried again: a pure function of what the queue stores (the
/// number of attempts so far, how the last one failed), the time now and a random source.
/// Exponential backoff with "equal jitter" (half fixed, half random, as in Polly's retry helper)
/// and a cap, so that a thousand hosts whose server came back do not all retry in one second.
/// </summary>
public static class RetrySchedule
{
    /// <summary>The next attempt after <paramref name="attempts"/> failed ones (1 after the first failure).</summary>
    /// <param name="random">Returns a number in [0, 1).</param>
    public static DateTimeOffset Next(int attempts, AttemptStatus lastFailure, DateTimeOffset now,
        TimeSpan baseDelay, TimeSpan cap, Func<double> random)
    {
        var delay = Delay(attempts, lastFailure, baseDelay, cap, random);
        return now + delay;
    }

    public static TimeSpan Delay(int attempts, AttemptStatus lastFailure, TimeSpan baseDelay, TimeSpan cap, Func<double> random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        // A server that answered Z is up but busy: give it twice the room a silent server gets.
        var factor = lastFailure == AttemptStatus.TemporaryRefusal ? 2.0 : 1.0;
        var full = Math.Min(cap.TotalMilliseconds, baseDelay.TotalMilliseconds * factor * Math.Pow(2, exponent));
        var jitter = Math.Clamp(random(), 0, 1);
        return TimeSpan.FromMilliseconds(full / 2 + full / 2 * jitter);
    }
}
