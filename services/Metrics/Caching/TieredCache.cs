using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;

namespace Platform.Metrics.Caching;

/// <summary>
/// Cache-aside in two tiers: an in-process dictionary (short TTL, cleared on every local or announced change) in
/// front of Redis (values tagged with the generation they were computed in; a change increments the generation).
/// Concurrent misses of one key compute once: a per-key semaphore in the process and a short Redis lock across
/// replicas. When Redis fails, a circuit skips it for a few seconds and reads are answered from the source.
/// </summary>
internal sealed class TieredCache(
    IRemoteCache remote,
    ChangeSignal signal,
    IOptions<CacheOptions> options,
    TimeProvider time,
    ILogger<TieredCache> logger,
    Telemetry.CacheMeters? meters = null)
{
    private readonly ConcurrentDictionary<string, LocalEntry> _local = new(StringComparer.Ordinal);
    // Striped rather than one per key: series keys are open-ended, and a gate per key would never be freed.
    private readonly SemaphoreSlim[] _gates = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
    private readonly CacheOptions _options = options.Value;
    private const int MaxLocalEntries = 10_000;
    private long _generation;
    private readonly Lock _invalidationLock = new();
    private Task? _invalidationRunning;
    private Task? _invalidationQueued;
    private long _computations;

    private readonly GuardedRemote _redis = new(remote, options.Value, time, logger);

    /// <summary>Identifies this replica in change announcements, so it ignores its own.</summary>
    public string InstanceId => _redis.InstanceId;

    /// <summary>How many times a value was computed from the source (for tests and diagnostics).</summary>
    public long Computations => Interlocked.Read(ref _computations);

    public bool RedisSkipped => _redis.Skipped;

    public ValueTask<TOut> GetAsync<TData, TOut>(
        string key,
        JsonTypeInfo<TData> typeInfo,
        Func<CancellationToken, Task<TData>> compute,
        Func<TData, TOut> project,
        CancellationToken cancellationToken)
        where TOut : class
    {
        if (_local.TryGetValue(key, out var entry)
            && entry.Generation == Volatile.Read(ref _generation)
            && time.GetTimestamp() < entry.ExpiresAt)
        {
            meters?.LocalHit();
            return ValueTask.FromResult((TOut)entry.Value);
        }

        return new ValueTask<TOut>(GetSlowAsync(key, typeInfo, compute, project, cancellationToken));
    }

    /// <summary>
    /// After a write of records: drop every cached value here and in Redis, and tell the other replicas. Completes
    /// after a Redis generation bump that started after this call. Concurrent calls coalesce: while one bump is in
    /// flight, every call made meanwhile shares the single bump that follows it.
    /// </summary>
    public Task InvalidateAsync()
    {
        _redis.OweBump();
        lock (_invalidationLock)
        {
            if (_invalidationQueued is { } queued)
            {
                return queued;
            }

            if (_invalidationRunning is { IsCompleted: false } running)
            {
                // The running one may have read the pending flag before this caller's change: queue one more.
                return _invalidationQueued = InvalidateAfterAsync(running);
            }

            return _invalidationRunning = InvalidateNowAsync();
        }
    }

    private async Task InvalidateAfterAsync(Task running)
    {
        // Return to the caller (who holds the lock and records this task) before anything else.
        await Task.Yield();
        await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Task next;
        lock (_invalidationLock)
        {
            _invalidationQueued = null;
            next = _invalidationRunning = InvalidateNowAsync();
        }

        await next;
    }

    private async Task InvalidateNowAsync()
    {
        // Leave the caller's lock before any work.
        await Task.Yield();
        try
        {
            // Redis's generation moves first: a miss between the two steps must not re-read the old Redis value
            // and keep it here under the new local generation. Bump even when a reader took the pending flag
            // meanwhile: its bump may not have landed yet, and this change must not be acknowledged before one has.
            await _redis.ReadyAsync(bump: true);
        }
        finally
        {
            InvalidateLocal();
        }
    }

    /// <summary>Drops this replica's in-process values and wakes its watchers (another replica changed something).</summary>
    public void InvalidateLocal()
    {
        Interlocked.Increment(ref _generation);
        _local.Clear();
        signal.Notify();
    }

    private async Task<TOut> GetSlowAsync<TData, TOut>(
        string key,
        JsonTypeInfo<TData> typeInfo,
        Func<CancellationToken, Task<TData>> compute,
        Func<TData, TOut> project,
        CancellationToken cancellationToken)
        where TOut : class
    {
        var gate = _gates[(uint)StringComparer.Ordinal.GetHashCode(key) % (uint)_gates.Length];
        await gate.WaitAsync(cancellationToken);
        try
        {
            var localGeneration = Volatile.Read(ref _generation);
            if (_local.TryGetValue(key, out var entry) && entry.Generation == localGeneration && time.GetTimestamp() < entry.ExpiresAt)
            {
                meters?.LocalHit();
                return (TOut)entry.Value;
            }

            var data = await LoadAsync(key, typeInfo, compute, cancellationToken);
            var output = project(data);
            if (localGeneration == Volatile.Read(ref _generation))
            {
                if (_local.Count >= MaxLocalEntries)
                {
                    _local.Clear();
                }

                _local[key] = new LocalEntry(output, localGeneration, time.GetTimestamp() + Ticks(_options.LocalTtl));
            }

            return output;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<TData> LoadAsync<TData>(
        string key, JsonTypeInfo<TData> typeInfo, Func<CancellationToken, Task<TData>> compute, CancellationToken cancellationToken)
    {
        if (!await _redis.ReadyAsync())
        {
            return await ComputeAsync(compute, cancellationToken);
        }

        var (cached, generation, ok) = await _redis.GetAsync(key, typeInfo);
        if (!ok)
        {
            return await ComputeAsync(compute, cancellationToken);
        }

        if (cached is not null)
        {
            meters?.RedisHit();
            return cached;
        }

        var token = InstanceId + ":" + Guid.NewGuid().ToString("N");
        var locked = await _redis.TryAsync<bool?>(async () => await remote.TryLockAsync(CacheKeys.ComputeLock(key), token, _options.ComputeLockExpiry));
        if (locked is false)
        {
            // Another replica is computing: wait briefly for its value rather than hitting PostgreSQL as well.
            var deadline = time.GetTimestamp() + Ticks(_options.ComputeWait);
            while (time.GetTimestamp() < deadline)
            {
                await Task.Delay(20, cancellationToken);
                (cached, generation, ok) = await _redis.GetAsync(key, typeInfo);
                if (!ok)
                {
                    return await ComputeAsync(compute, cancellationToken);
                }

                if (cached is not null)
                {
                    meters?.RedisHit();
                    return cached;
                }
            }
        }

        try
        {
            var data = await ComputeAsync(compute, cancellationToken);
            var json = JsonSerializer.SerializeToUtf8Bytes(data, typeInfo);
            var envelope = new byte[json.Length + sizeof(long)];
            BinaryPrimitives.WriteInt64BigEndian(envelope, generation);
            json.CopyTo(envelope.AsSpan(sizeof(long)));
            await _redis.TryAsync<bool?>(async () =>
            {
                await remote.SetAsync(key, envelope, _options.RedisTtl);
                return true;
            });
            return data;
        }
        finally
        {
            if (locked is true)
            {
                await _redis.TryAsync<bool?>(async () =>
                {
                    await remote.ReleaseLockAsync(CacheKeys.ComputeLock(key), token);
                    return true;
                });
            }
        }
    }

    private async Task<TData> ComputeAsync<TData>(Func<CancellationToken, Task<TData>> compute, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _computations);
        var started = time.GetTimestamp();
        var data = await compute(cancellationToken);
        meters?.Computed(time.GetElapsedTime(started));
        return data;
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    private sealed record LocalEntry(object Value, long Generation, long ExpiresAt);
}
