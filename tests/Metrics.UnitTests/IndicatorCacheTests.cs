using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Platform.Metrics.Caching;
using Platform.Metrics.Data;
using ZiggyCreatures.Caching.Fusion;

namespace Platform.Metrics.UnitTests;

/// <summary>
/// The figures' cache in one process (memory, and an in-memory distributed tier that can be made to fail). Replicas
/// over a real Redis and its backplane: tests/Metrics.FunctionalTests' IndicatorCacheReplicaTests.
/// </summary>
public sealed class IndicatorCacheTests : IDisposable
{
    private readonly FailingDistributedCache _redis = new();
    private readonly ChangeSignal _signal = new();
    private readonly FusionCache _fusion;
    private readonly IndicatorCache _cache;
    private int _computed;
    private int _projected;
    private long _value = 1;
    private Task _computeGate = Task.CompletedTask;

    public IndicatorCacheTests()
    {
        _fusion = Replica();
        _cache = new IndicatorCache(_fusion, _signal, TimeProvider.System);
    }

    /// <summary>A replica's FusionCache as the service sets it up, over the shared distributed tier.</summary>
    private FusionCache Replica()
    {
        var options = new CacheOptions();
        var fusionOptions = new FusionCacheOptions { DefaultEntryOptions = CacheRegistration.EntryOptions(options) };
        CacheRegistration.Configure(fusionOptions, options);
        var fusion = new FusionCache(fusionOptions);
        fusion.SetupDistributedCache(_redis, CacheRegistration.Serializer());
        return fusion;
    }

    public void Dispose() => _fusion.Dispose();

    private async Task<ExchangeShareData> Compute(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _computed);
        var value = Interlocked.Read(ref _value);
        await _computeGate.WaitAsync(cancellationToken);
        await Task.Delay(20, cancellationToken);
        return new ExchangeShareData([new ExchangeYearData("bj", 2025, value, 10, 1, 1)], DateTimeOffset.UtcNow);
    }

    private async Task<long> Read(IndicatorCache? cache = null) =>
        (long)(await (cache ?? _cache).GetAsync("k", Compute, d =>
        {
            Interlocked.Increment(ref _projected);
            return d.Years[0];
        }, CancellationToken.None)).HighQualityAmountFen;

    [Fact]
    public async Task ConcurrentMissesComputeOnce()
    {
        var values = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Read()));

        Assert.All(values, v => Assert.Equal(1, v));
        Assert.Equal(1, _computed);
    }

    [Fact]
    public async Task OnlyWriteAnswersThatStoredRecordsMakeTheIndicatorsStale()
    {
        var stale = new StaleIndicators(_cache);
        var call = new Infrastructure.Writes.WriteCall(new Infrastructure.Access.Caller(new System.Security.Claims.ClaimsPrincipal()), "ReportTokenUsageBatch", "ReportTokenUsageBatch");
        await Read();

        await stale.AnsweredAsync(call, [new V1.ReportTokenUsageResponse { Received = 3, Stored = 0 }, new V1.ReportTrainingCorpusResponse { Applied = false }]);
        await stale.AnsweredAsync(call, [new V1.RebuildIndicatorsResponse()]);
        Interlocked.Exchange(ref _value, 2);
        Assert.Equal(1, await Read());

        await stale.AnsweredAsync(call, [new V1.ReportTokenUsageResponse { Received = 3, Stored = 2 }]);
        Assert.Equal(2, await Read());
        await stale.AnsweredAsync(call, [new V1.ReportTrainingCorpusResponse { Applied = true }]);
        Assert.Equal(2, await Read());
        Assert.Equal(3, _computed);
    }

    [Fact]
    public async Task AnotherReplicaReadsTheValueFromRedisWithoutComputing()
    {
        using var fusion = Replica();
        var other = new IndicatorCache(fusion, new ChangeSignal(), TimeProvider.System);
        await Read();

        Assert.Equal(1, await Read(other));
        Assert.Equal(1, _computed);
    }

    [Fact]
    public async Task AValueIsProjectedOnceWhileItIsCached()
    {
        for (var i = 0; i < 20; i++)
        {
            await Read();
        }

        Assert.Equal(1, _projected);
    }

    [Fact]
    public async Task InvalidationMakesTheNextReadRecomputeAndWakesWatchers()
    {
        await Read();
        _value = 2;
        var woken = _signal.Next;

        await _cache.InvalidateAsync();

        Assert.True(woken.IsCompleted);
        Assert.Equal(2, await Read());
        Assert.Equal(2, _computed);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AValueComputedBeforeAnInvalidationIsNotKeptAfterIt(bool hot)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _computeGate = gate.Task;
        var inFlight = hot ? ReadHot() : Read();
        while (Volatile.Read(ref _computed) == 0)
        {
            await Task.Delay(1);
        }

        // The read has seen the old records; the write commits and invalidates before that read ends.
        _value = 2;
        await _cache.InvalidateAsync();
        _computeGate = Task.CompletedTask;
        gate.SetResult();

        Assert.Equal(1, await inFlight);
        Assert.Equal(2, await (hot ? ReadHot() : Read()));
    }

    private async Task<long> ReadHot(IndicatorCache? cache = null) =>
        (long)(await (cache ?? _cache).GetHotAsync("k", Compute, d => d.Years[0], CancellationToken.None)).HighQualityAmountFen;

    [Fact]
    public async Task TheHotValueIsAnsweredWithoutFusionCacheForItsLifetimeOnly()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var cache = new IndicatorCache(_fusion, _signal, time);
        Assert.Equal(1, await ReadHot(cache));

        // A change FusionCache holds but no invalidation announced (say, a backplane message lost on the way).
        await _fusion.SetAsync("k", new ExchangeShareData([new ExchangeYearData("bj", 2025, 7, 10, 1, 1)], DateTimeOffset.UtcNow));
        Assert.Equal(1, await ReadHot(cache));
        time.Advance(IndicatorCache.HotLifetime);

        Assert.Equal(7, await ReadHot(cache));
        Assert.Equal(1, _computed);
    }

    [Fact]
    public async Task AnInvalidationDropsTheHotValue()
    {
        Assert.Equal(1, await ReadHot());
        _value = 2;

        await _cache.InvalidateAsync();

        Assert.Equal(2, await ReadHot());
        Assert.Equal(2, await ReadHot());
        Assert.Equal(2, _computed);
    }

    [Fact]
    public async Task WhenRedisFailsReadsAreComputedExactlyAndRedisIsSkipped()
    {
        await Read();
        _redis.Failing = true;
        _value = 2;
        await _cache.InvalidateAsync();

        Assert.Equal(2, await Read());
        Assert.True(_cache.RedisSkipped);
    }

    /// <summary>An in-memory distributed tier that throws like an unreachable Redis while <see cref="Failing"/>.</summary>
    private sealed class FailingDistributedCache : IDistributedCache
    {
        private readonly MemoryDistributedCache _inner = new(Options.Create(new MemoryDistributedCacheOptions()));
        private volatile bool _failing;

        public bool Failing
        {
            get => _failing;
            set => _failing = value;
        }

        private void ThrowIfFailing()
        {
            if (_failing)
            {
                throw new TimeoutException("Redis is down (test)");
            }
        }

        public byte[]? Get(string key)
        {
            ThrowIfFailing();
            return _inner.Get(key);
        }

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default)
        {
            ThrowIfFailing();
            return _inner.GetAsync(key, token);
        }

        public void Refresh(string key)
        {
            ThrowIfFailing();
            _inner.Refresh(key);
        }

        public Task RefreshAsync(string key, CancellationToken token = default)
        {
            ThrowIfFailing();
            return _inner.RefreshAsync(key, token);
        }

        public void Remove(string key)
        {
            ThrowIfFailing();
            _inner.Remove(key);
        }

        public Task RemoveAsync(string key, CancellationToken token = default)
        {
            ThrowIfFailing();
            return _inner.RemoveAsync(key, token);
        }

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
        {
            ThrowIfFailing();
            _inner.Set(key, value, options);
        }

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            ThrowIfFailing();
            return _inner.SetAsync(key, value, options, token);
        }
    }
}
