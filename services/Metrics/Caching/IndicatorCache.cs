using System.Runtime.CompilerServices;
using ZiggyCreatures.Caching.Fusion;

namespace Platform.Metrics.Caching;

/// <summary>
/// The figures' cache, on FusionCache (registered by <see cref="CacheRegistration.AddIndicatorCache"/>): this replica's
/// memory in front of Redis, the Redis backplane telling the other replicas of every change, one computation per key
/// at a time (stampede protection), and Redis skipped for a while once it fails (FusionCache's circuit breaker).
/// A value read from either tier is projected to its message once, and that projection is reused while the value is.
/// The current headline, read on nearly every call, is also kept for <see cref="HotLifetime"/> in front of FusionCache
/// (<see cref="GetHotAsync"/>), dropped by every invalidation here or from another replica.
/// </summary>
internal sealed class IndicatorCache
{
    /// <summary>
    /// How long the hot value is answered without asking FusionCache: a lookup there (its memory tier, expiry checks,
    /// hit events) was about 0.7 µs of the headline's 16 µs per call. Changes here and on other replicas drop it at
    /// once; the lifetime bounds how long it can outlive a change it did not see: a lost backplane message (beside the
    /// memory tier's own TTL), or a read that raced one and kept the value from before it.
    /// </summary>
    public static readonly TimeSpan HotLifetime = TimeSpan.FromMilliseconds(100);

    private readonly IFusionCache _cache;
    private readonly ChangeSignal _signal;
    private readonly TimeProvider _time;
    private readonly Telemetry.CacheMeters? _meters;
    private readonly ConditionalWeakTable<object, object> _projections = [];
    private long _computations;
    private long _generation;
    private HotValue? _hot;
    private volatile bool _redisSkipped;

    public IndicatorCache(IFusionCache cache, ChangeSignal signal, TimeProvider time, Telemetry.CacheMeters? meters = null)
    {
        _cache = cache;
        _signal = signal;
        _time = time;
        _meters = meters;
        cache.Events.Memory.Hit += (_, _) => _meters?.LocalHit();
        cache.Events.Distributed.Hit += (_, _) => _meters?.RedisHit();
        cache.Events.Distributed.CircuitBreakerChange += (_, e) => _redisSkipped = !e.IsClosed;
        // A change on another replica (its clear, through the backplane) drops the hot value and wakes this replica's
        // watchers.
        cache.Events.Backplane.MessageReceived += (_, _) =>
        {
            Interlocked.Increment(ref _generation);
            _signal.Notify();
        };
    }

    /// <summary>How many times a value was computed from the source (for tests and diagnostics).</summary>
    public long Computations => Interlocked.Read(ref _computations);

    /// <summary>Whether Redis is being skipped after a failure (FusionCache's circuit is open).</summary>
    public bool RedisSkipped => _redisSkipped;

    /// <summary>The value of <paramref name="key"/> projected by <paramref name="project"/>; computed on a miss (its type serialised through <c>CacheJsonContext</c>).</summary>
    public async ValueTask<TOut> GetAsync<TData, TOut>(
        string key,
        Func<CancellationToken, Task<TData>> compute,
        Func<TData, TOut> project,
        CancellationToken cancellationToken)
        where TData : class
        where TOut : class
    {
        var data = await _cache.GetOrSetAsync<TData>(key, (_, ct) => ComputeAsync(compute, ct), token: cancellationToken);
        return (TOut)_projections.GetValue(data, d => project((TData)d));
    }

    /// <summary>
    /// <see cref="GetAsync"/> for the one key read on nearly every call: answered from the last value for up to
    /// <see cref="HotLifetime"/> while no invalidation happened since it was read. A value read across an invalidation
    /// is not kept (the generation is taken before the read, and an invalidation moves it before and after its clear).
    /// </summary>
    public async ValueTask<TOut> GetHotAsync<TData, TOut>(
        string key,
        Func<CancellationToken, Task<TData>> compute,
        Func<TData, TOut> project,
        CancellationToken cancellationToken)
        where TData : class
        where TOut : class
    {
        var generation = Interlocked.Read(ref _generation);
        var hot = Volatile.Read(ref _hot);
        if (hot is not null && hot.Value is TOut kept && hot.Generation == generation
            && string.Equals(hot.Key, key, StringComparison.Ordinal) && _time.GetTimestamp() < hot.Until)
        {
            _meters?.LocalHit();
            return kept;
        }

        var value = await GetAsync(key, compute, project, cancellationToken);
        var until = _time.GetTimestamp() + (long)(HotLifetime.TotalSeconds * _time.TimestampFrequency);
        Volatile.Write(ref _hot, new HotValue(key, value, generation, until));
        return value;
    }

    /// <summary>
    /// After a write of records: every cached value is dropped, here, in Redis and (through the backplane) on the other
    /// replicas, and this replica's watchers wake. While Redis is away, FusionCache's auto-recovery clears it on its return.
    /// </summary>
    public async Task InvalidateAsync()
    {
        Interlocked.Increment(ref _generation);
        await _cache.ClearAsync(allowFailSafe: false);
        Interlocked.Increment(ref _generation);
        _signal.Notify();
    }

    private async Task<TData> ComputeAsync<TData>(Func<CancellationToken, Task<TData>> compute, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _computations);
        var started = _time.GetTimestamp();
        var data = await compute(cancellationToken);
        _meters?.Computed(_time.GetElapsedTime(started));
        return data;
    }

    private sealed record HotValue(string Key, object Value, long Generation, long Until);
}
