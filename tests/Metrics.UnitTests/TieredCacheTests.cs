using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Platform.Metrics.Caching;
using Platform.Metrics.Data;

namespace Platform.Metrics.UnitTests;

public sealed class TieredCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 30, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeRemote _remote = new();
    private readonly ChangeSignal _signal = new();
    private readonly TieredCache _cache;
    private int _computed;
    private long _value = 1;

    public TieredCacheTests()
    {
        _cache = new TieredCache(_remote, _signal, Options.Create(new CacheOptions()), _time, NullLogger<TieredCache>.Instance);
    }

    private async Task<ExchangeShareData> Compute(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _computed);
        await Task.Delay(20, cancellationToken);
        return new ExchangeShareData([new ExchangeYearData("bj", 2025, Interlocked.Read(ref _value), 10, 1, 1)], _time.GetUtcNow());
    }

    private Task<long> Read(TieredCache? cache = null) =>
        (cache ?? _cache).GetAsync("k", CacheJsonContext.Default.ExchangeShareData, Compute, d => d.Years[0], CancellationToken.None)
            .AsTask().ContinueWith(t => (long)t.Result.HighQualityAmountFen, TaskScheduler.Default);

    [Fact]
    public async Task ConcurrentMissesComputeOnce()
    {
        var values = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Read()));

        Assert.All(values, v => Assert.Equal(1, v));
        Assert.Equal(1, _computed);
    }

    [Fact]
    public async Task AnotherReplicaReadsTheValueFromRedisWithoutComputing()
    {
        var other = new TieredCache(_remote, new ChangeSignal(), Options.Create(new CacheOptions()), _time, NullLogger<TieredCache>.Instance);
        await Read();

        Assert.Equal(1, await Read(other));
        Assert.Equal(1, _computed);
    }

    [Fact]
    public async Task InvalidationMakesTheNextReadRecompute()
    {
        await Read();
        _value = 2;
        var woken = _signal.Next;

        await _cache.InvalidateAsync();

        Assert.Equal(2, await Read());
        Assert.Equal(2, _computed);
        Assert.True(woken.IsCompleted);
    }

    [Fact]
    public async Task AChangeOnAnotherReplicaIsSeenAfterItsAnnouncementOrTheLocalLifetime()
    {
        var other = new TieredCache(_remote, new ChangeSignal(), Options.Create(new CacheOptions()), _time, NullLogger<TieredCache>.Instance);
        await Read();
        _value = 2;

        await other.InvalidateAsync();
        Assert.Equal(1, await Read());
        _time.Advance(TimeSpan.FromSeconds(1.1));

        Assert.Equal(2, await Read());
    }

    [Fact]
    public async Task WhenRedisFailsReadsAreComputedAndRedisIsSkippedForAWhile()
    {
        _remote.Failing = true;

        Assert.Equal(1, await Read());
        var callsAfterFailure = _remote.Calls;
        _time.Advance(TimeSpan.FromSeconds(1.1));
        Assert.Equal(1, await Read());

        Assert.Equal(2, _computed);
        Assert.Equal(callsAfterFailure, _remote.Calls);
        Assert.True(_cache.RedisSkipped);
    }

    [Fact]
    public async Task ChangesWhileRedisWasDownInvalidateItWhenItReturns()
    {
        await Read();
        _remote.Failing = true;
        _value = 2;
        await _cache.InvalidateAsync();
        Assert.Equal(2, await Read());

        _remote.Failing = false;
        _time.Advance(TimeSpan.FromSeconds(4));
        var other = new TieredCache(_remote, new ChangeSignal(), Options.Create(new CacheOptions()), _time, NullLogger<TieredCache>.Instance);

        Assert.Equal(2, await Read());
        Assert.Equal(2, await Read(other));
        Assert.False(_cache.RedisSkipped);
    }

    [Fact]
    public async Task InvalidationsWhileOneIsInFlightShareOneFollowingBump()
    {
        await Read();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _remote.BumpGate = gate.Task;
        var first = _cache.InvalidateAsync();
        while (_remote.BumpsStarted == 0)
        {
            await Task.Delay(1);
        }

        _value = 2;
        var meanwhile = Enumerable.Range(0, 10).Select(_ => _cache.InvalidateAsync()).ToArray();
        Assert.DoesNotContain(meanwhile, t => t.IsCompleted);
        gate.SetResult();
        await Task.WhenAll(meanwhile.Append(first));

        // The first bump may have started before the change; the changes made meanwhile get one bump after it.
        Assert.Equal(2, _remote.BumpsStarted);
        Assert.Equal(2, await Read());
        var other = new TieredCache(_remote, new ChangeSignal(), Options.Create(new CacheOptions()), _time, NullLogger<TieredCache>.Instance);
        Assert.Equal(2, await Read(other));
    }

    [Fact]
    public async Task AnInvalidationAfterTheLastOneCompletedBumpsAgain()
    {
        await _cache.InvalidateAsync();
        await _cache.InvalidateAsync();

        Assert.Equal(2, _remote.BumpsStarted);
    }

    /// <summary>An in-memory stand-in for Redis that can be made to fail.</summary>
    private sealed class FakeRemote : IRemoteCache
    {
        private readonly ConcurrentDictionary<string, byte[]> _values = new();
        private readonly ConcurrentDictionary<string, string> _locks = new();
        private long _generation;
        private int _calls;
        private int _bumpsStarted;

        public bool Failing { get; set; }

        public int Calls => _calls;

        public bool IsConnected => true;

        public Task<(byte[]? Value, long Generation)> GetAsync(string key) =>
            Run(() => (_values.TryGetValue(key, out var v) ? v : null, Interlocked.Read(ref _generation)));

        public Task SetAsync(string key, byte[] value, TimeSpan ttl) => Run(() => _values[key] = value);

        public Task<bool> TryLockAsync(string key, string token, TimeSpan expiry) => Run(() => _locks.TryAdd(key, token));

        public Task ReleaseLockAsync(string key, string token) => Run(() => _locks.TryRemove(new KeyValuePair<string, string>(key, token)));

        /// <summary>When set, a generation bump waits for it (an invalidation in flight).</summary>
        public Task? BumpGate { get; set; }

        public int BumpsStarted => _bumpsStarted;

        public async Task BumpGenerationAsync(string instanceId)
        {
            Interlocked.Increment(ref _bumpsStarted);
            if (BumpGate is { } gate)
            {
                await gate;
            }

            await Run(() => Interlocked.Increment(ref _generation));
        }

        private Task<T> Run<T>(Func<T> operation)
        {
            Interlocked.Increment(ref _calls);
            return Failing ? Task.FromException<T>(new TimeoutException("Redis is down")) : Task.FromResult(operation());
        }
    }
}
