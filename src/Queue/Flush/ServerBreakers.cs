using System.Collections.Concurrent;
using MiniQmail.Qmqp.Transport;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace MiniQmail.Queue.Flush;

/// <summary>
/// One Polly pipeline per server address for the length of a flush run: a timeout on each
/// attempt, inside a circuit breaker that is isolated at the first temporary failure, so a
/// server that failed once is skipped for the rest of the run (the next run tries it again).
/// </summary>
/// <remarks>
/// Building a pipeline costs 10-20 ms of a short run (Polly validates its options by
/// reflection), so each address's pipeline is built once however many delivery threads ask for
/// it at the same moment (at concurrency 16, sixteen builds used to run at the first message).
/// </remarks>
internal sealed class ServerBreakers(TimeSpan attemptTimeout, TimeProvider time)
{
    // A class, not a tuple: the dictionary then runs on the runtime's precompiled code instead
    // of being compiled at start-up.
    private sealed record Breaker(ResiliencePipeline<AttemptResult> Pipeline, CircuitBreakerManualControl Control, CircuitBreakerStateProvider State);

    private readonly ConcurrentDictionary<string, Lazy<Breaker>> _pipelines = new();
    private int _built;

    /// <summary>Pipelines built so far (one per address asked for).</summary>
    internal int Built => Volatile.Read(ref _built);

    /// <summary>Runs one attempt, or returns null when the breaker of that address is open.</summary>
    public AttemptResult? Execute(string endpoint, Func<CancellationToken, AttemptResult> attempt, Func<string, AttemptResult> timedOut)
    {
        var (pipeline, control, _) = Get(endpoint);
        AttemptResult result;
        try
        {
            result = pipeline.Execute(attempt);
        }
        catch (BrokenCircuitException)
        {
            return null;
        }
        catch (TimeoutRejectedException)
        {
            result = timedOut($"no answer within {attemptTimeout.TotalSeconds:0.###} s");
        }
        if (result.IsTemporary)
            control.IsolateAsync().GetAwaiter().GetResult();
        return result;
    }

    /// <summary>True when every address that was tried is shut off.</summary>
    public bool IsOpen(string endpoint) =>
        _pipelines.TryGetValue(endpoint, out var p) && p.IsValueCreated && p.Value.State.CircuitState is CircuitState.Isolated or CircuitState.Open;

    // GetOrAdd alone may run the factory on several threads at once; the Lazy makes it one build.
    private Breaker Get(string endpoint) =>
        _pipelines.GetOrAdd(endpoint, _ => new Lazy<Breaker>(Create, LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    private Breaker Create()
    {
        Interlocked.Increment(ref _built);
        var control = new CircuitBreakerManualControl();
        var state = new CircuitBreakerStateProvider();
        var pipeline = new ResiliencePipelineBuilder<AttemptResult> { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<AttemptResult>
            {
                ManualControl = control,
                StateProvider = state,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not null || args.Outcome.Result is { IsTemporary: true }),
                FailureRatio = 0.5,
                MinimumThroughput = 2,
                SamplingDuration = TimeSpan.FromMinutes(10),
                BreakDuration = TimeSpan.FromDays(1),
            })
            .AddTimeout(attemptTimeout)
            .Build();
        return new Breaker(pipeline, control, state);
    }
}
