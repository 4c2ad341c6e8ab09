extern alias metrics;
using System.Diagnostics;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using metrics::Platform.Metrics.Caching;
using metrics::Platform.Metrics.Computation;
using metrics::Platform.Metrics.Data;
using Platform.Metrics.V1;
using Platform.Testing;
using StackExchange.Redis;
using Xunit.Sdk;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Backplane.StackExchangeRedis;

namespace Platform.Metrics.FunctionalTests;

/// <summary>
/// A real Redis that goes away and comes back on the same port: while it is stopped every answer comes from
/// PostgreSQL, exact and without stalls, the watch keeps pushing; once it is back the cache is refilled with
/// values that include what was written during the outage (never the snapshot persisted before it).
/// </summary>
public sealed class RedisRestartTests : IAsyncLifetime
{
    // A correctness bound against stalls on Redis timeouts (each 250 ms or more, retried: seconds), not a benchmark.
    private static readonly TimeSpan NoStall = TimeSpan.FromSeconds(2);
    private const string Day = "2009-09-09";

    private RedisServerProcess _redis = null!;
    private MetricsHost _host = null!;
    private ConnectionMultiplexer _inspector = null!;
    private FusionCache _replica = null!;

    private MetricsService.MetricsServiceClient Client => _host.Client;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        var database = await TestServers.CreateDatabaseAsync("metrics_redis_restart_tests");
        _host = new MetricsHost(database, _redis.ConnectionString, applicationName: "metrics-redis-restart");
        await Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = HeadlineView.Full });
        var options = ConfigurationOptions.Parse(_redis.ConnectionString);
        options.AbortOnConnectFail = false;
        options.ReconnectRetryPolicy = new LinearRetry(200);
        _inspector = await ConnectionMultiplexer.ConnectAsync(options);
        var cacheOptions = new CacheOptions();
        var fusionOptions = new FusionCacheOptions { DefaultEntryOptions = CacheRegistration.EntryOptions(cacheOptions) };
        CacheRegistration.Configure(fusionOptions, cacheOptions);
        _replica = new FusionCache(fusionOptions);
        _replica.SetupDistributedCache(
            new RedisCache(new RedisCacheOptions { ConnectionMultiplexerFactory = () => Task.FromResult<IConnectionMultiplexer>(_inspector) }),
            CacheRegistration.Serializer());
        _replica.SetupBackplane(new RedisBackplane(new RedisBackplaneOptions { ConnectionMultiplexerFactory = () => Task.FromResult<IConnectionMultiplexer>(_inspector) }));
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_host is not null)
            {
                await _host.DisposeAsync();
            }

            _replica?.Dispose();
            if (_inspector is not null)
            {
                await _inspector.DisposeAsync();
            }
        }
        finally
        {
            if (_redis is not null)
            {
                await _redis.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AnswersStayExactAndFastWhileRedisIsStoppedAndTheCacheRefillsWhenItRestarts()
    {
        var provider = Events.Unique("restart");
        var beforeDomain = Events.Unique("before");
        var outageDomain = Events.Unique("outage");
        var afterDomain = Events.Unique("after");

        // Before: records stored, the headline cached in Redis, a watcher following it.
        await _host.PublishAsync(Events.Certified(Guid.NewGuid(), Events.Facts(beforeDomain, 100)));
        await ReportTokensAsync(provider, 10);
        await Eventually.Returns(Headline, h => HasDomain(h, beforeDomain));
        await Eventually.Returns(ReadThenCachedHeadlineAsync, cached => cached?.ByDomain.Any(b => b.Key == beforeDomain) == true,
            because: "the headline is cached in Redis");
        Assert.Equal(10, await DayTokensAsync());
        using var watch = new Watcher(Client);
        await watch.NextMatchingAsync(h => HasDomain(h, beforeDomain));

        // Redis stops; records keep arriving, by RPC and by event.
        await _redis.StopAsync();
        await Timed(() => ReportTokensAsync(provider, 25));
        await _host.PublishAsync(Events.Certified(Guid.NewGuid(), Events.Facts(outageDomain, 200)));

        var during = await Eventually.Returns(() => Timed(Headline), h => HasDomain(h, outageDomain), because: "an event consumed while Redis is down counts");
        // Other tests share the database and record datasets of their own: compare this test's domains, not totals.
        Assert.Equal((1, 200), Figures(during, outageDomain));
        Assert.Equal((1, 100), Figures(during, beforeDomain));
        Assert.Equal(25, await Timed(DayTokensAsync));
        for (var i = 0; i < 10; i++)
        {
            Assert.True(HasDomain(await Timed(Headline), outageDomain));
            Assert.Equal(25, await Timed(DayTokensAsync));
        }

        Assert.True(_host.Cache.RedisSkipped, "with Redis stopped the cache skips it (circuit open)");
        // The watch goes on from PostgreSQL: it is neither ended nor failed by the outage.
        Assert.True(HasDomain(await watch.NextMatchingAsync(h => HasDomain(h, outageDomain)), outageDomain));

        // Redis is back on the same port, with the snapshot it persisted before the outage.
        await _redis.StartAgainAsync();
        var refilled = await Eventually.Returns(
            async () => (await Headline(), await CachedHeadlineAsync()),
            read => !_host.Cache.RedisSkipped && read.Item2?.ByDomain.Any(b => b.Key == outageDomain) == true,
            timeout: TimeSpan.FromSeconds(30),
            because: "the service uses Redis again and caches a headline computed after the outage");
        Assert.True(HasDomain(refilled.Item1, outageDomain), "no read serves the snapshot persisted before the outage");
        Assert.Equal((1, 200), Figures(refilled.Item1, outageDomain));
        Assert.Equal(25, await DayTokensAsync());

        // Writes after the restart invalidate through Redis again, and the same watch still follows.
        await _host.PublishAsync(Events.Certified(Guid.NewGuid(), Events.Facts(afterDomain, 300)));
        var after = await Eventually.Returns(Headline, h => HasDomain(h, afterDomain));
        Assert.Equal((1, 300), Figures(after, afterDomain));
        Assert.Equal((1, 200), Figures(after, outageDomain));
        await Eventually.Returns(ReadThenCachedHeadlineAsync, cached => cached?.ByDomain.Any(b => b.Key == afterDomain) == true,
            because: "the new headline is cached in Redis");
        await watch.NextMatchingAsync(h => HasDomain(h, afterDomain));
        Assert.False(_host.Cache.RedisSkipped);
    }

    private Task<HeadlineIndicators> Headline() => Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = HeadlineView.Full }).ResponseAsync;

    private static (long Datasets, long Bytes) Figures(HeadlineIndicators headline, string domain) =>
        headline.H2CertifiedVolume.ByDomain.Single(b => b.Key == domain) is var b ? (b.DatasetCount, b.VolumeBytes) : default;

    private static bool HasDomain(HeadlineIndicators headline, string domain) => headline.H2CertifiedVolume.ByDomain.Any(b => b.Key == domain);

    private async Task<long> DayTokensAsync()
    {
        var series = await Client.GetIndicatorSeriesAsync(new GetIndicatorSeriesRequest
        {
            Indicator = Indicator.H6DailyTokens, FromDay = Day, ToDay = Day, Granularity = Granularity.Day,
        });
        return series.Points.Single().Value;
    }

    private async Task<long> ReportTokensAsync(string provider, long tokens)
    {
        var response = await Client.ReportTokenUsageBatchAsync(new ReportTokenUsageBatchRequest
        {
            Usages = { new TokenUsage { Provider = provider, Model = "m", Day = Day, Tokens = tokens } },
        });
        return response.Stored;
    }

    /// <summary>
    /// Reads the headline through the API, then returns what Redis holds: a change consumed after a read invalidates
    /// the value that read cached, and only the next read caches it again.
    /// </summary>
    private async Task<HeadlineData?> ReadThenCachedHeadlineAsync()
    {
        await Headline();
        return await CachedHeadlineAsync();
    }

    /// <summary>
    /// The headline as Redis holds it now, read as another replica would (Redis and the backplane, not memory): null
    /// when it is missing or was cleared by a later change.
    /// </summary>
    private async Task<HeadlineData?> CachedHeadlineAsync()
    {
        try
        {
            var read = await _replica.TryGetAsync<HeadlineData>(
                CacheKeys.Headline(Calculations.Today(TimeProvider.System)), options => options.SetSkipMemoryCache());
            return read.HasValue ? read.Value : null;
        }
        catch (RedisConnectionException)
        {
            return null; // this inspecting connection has not reconnected yet
        }
    }

    private static async Task<T> Timed<T>(Func<Task<T>> call)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await call();
        var elapsed = Stopwatch.GetElapsedTime(started);
        Assert.True(elapsed < NoStall, $"a call with Redis stopped took {elapsed.TotalMilliseconds:0} ms");
        return result;
    }

    /// <summary>Reads a WatchHeadlineIndicators stream in the background.</summary>
    private sealed class Watcher : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Channel<HeadlineIndicators> _snapshots = Channel.CreateUnbounded<HeadlineIndicators>();
        private readonly AsyncServerStreamingCall<HeadlineIndicators> _call;
        private readonly Task _reading;

        public Watcher(MetricsService.MetricsServiceClient client)
        {
            _call = client.WatchHeadlineIndicators(new WatchHeadlineIndicatorsRequest { View = HeadlineView.Full }, cancellationToken: _stop.Token);
            _reading = Task.Run(async () =>
            {
                try
                {
                    await foreach (var snapshot in _call.ResponseStream.ReadAllAsync(_stop.Token))
                    {
                        await _snapshots.Writer.WriteAsync(snapshot);
                    }

                    _snapshots.Writer.Complete(new XunitException("the watch ended"));
                }
                catch (Exception ex)
                {
                    _snapshots.Writer.Complete(ex);
                }
            });
        }

        /// <summary>The first snapshot from now on that satisfies <paramref name="condition"/>; fails if the stream ends or fails.</summary>
        public async Task<HeadlineIndicators> NextMatchingAsync(Func<HeadlineIndicators, bool> condition)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                while (true)
                {
                    var snapshot = await _snapshots.Reader.ReadAsync(timeout.Token);
                    if (condition(snapshot))
                    {
                        return snapshot;
                    }
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                throw new XunitException("the watch pushed no matching snapshot in 20 s");
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _reading.Wait(TimeSpan.FromSeconds(5));
            _call.Dispose();
            _stop.Dispose();
        }
    }
}
