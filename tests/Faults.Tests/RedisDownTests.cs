using System.Diagnostics;
using Grpc.Core;
using Platform.Metrics.V1;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Platform.Faults.Tests;

/// <summary>
/// Fault test 5: Redis stopped while headline reads run at 32 in flight and events keep arriving. Every answer is OK
/// and exact (the figures the sources hold), p99 ≤ 250 ms; once Redis is back (empty: it lost its data) the cache
/// refills and reads stay fast. Complements tests/Metrics.FunctionalTests' Redis tests (fail-fast, the stale persisted
/// snapshot) with concurrency and the whole mesh.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class RedisDownTests(FaultServers servers, ITestOutputHelper output)
{
    private const int InFlight = 32;
    private static readonly TimeSpan P99Bound = TimeSpan.FromMilliseconds(250);

    [Fact(Timeout = 300_000)]
    public async Task HeadlineReadsStayOkExactAndFastWhileRedisIsDownAndTheCacheRefillsAfter()
    {
        const string Name = "redis-down";
        var period = FaultSize.Scaled(ci: TimeSpan.FromSeconds(10), full: TimeSpan.FromSeconds(60));
        await using var mesh = await Mesh.StartAsync(servers, Name);
        var burst = await Burst.CreateAsync(mesh);
        await burst.RoundAsync(0);
        await Accounting.ConvergeAsync(output, Name + " before", mesh, burst, Stopwatch.GetTimestamp(), TimeSpan.FromSeconds(30));
        await ReadAsync(Name + " warm-up, Redis up", mesh, burst, TimeSpan.FromSeconds(2));

        await servers.Redis.StopAsync();
        try
        {
            // Events consumed while Redis is away change the figures: the answers must follow them.
            await burst.RoundAsync(1);
            await Accounting.ConvergeAsync(output, Name + " during", mesh, burst, Stopwatch.GetTimestamp(), TimeSpan.FromSeconds(30));
            var down = await ReadAsync(Name + ", Redis down", mesh, burst, period);
            Assert.True(down <= P99Bound, $"p99 {down.TotalMilliseconds:0.0} ms with Redis down");
        }
        finally
        {
            await servers.Redis.StartAgainAsync();
        }

        // Back, but empty (as if it had lost its data): the service caches again.
        using var redis = await ConnectionMultiplexer.ConnectAsync(servers.Redis.ConnectionString(mesh.RedisDatabase) + ",allowAdmin=true");
        await redis.GetServers().Single().FlushDatabaseAsync(mesh.RedisDatabase);
        var refilled = Stopwatch.StartNew();
        while (await redis.GetServers().Single().DatabaseSizeAsync(mesh.RedisDatabase) == 0)
        {
            Assert.True(refilled.Elapsed < TimeSpan.FromSeconds(30), "the cache refilled within 30 s of Redis's return");
            await mesh.Metrics.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest());
            await Task.Delay(100);
        }

        output.WriteLine($"[{Name}] Redis back: cache refilled {refilled.Elapsed.TotalSeconds:0.0} s later");
        await burst.RoundAsync(2);
        await Accounting.ConvergeAsync(output, Name + " after", mesh, burst, Stopwatch.GetTimestamp(), TimeSpan.FromSeconds(30));
        var after = await ReadAsync(Name + ", Redis back", mesh, burst, TimeSpan.FromSeconds(3));
        Assert.True(after <= P99Bound, $"p99 {after.TotalMilliseconds:0.0} ms after Redis returned");
    }

    /// <summary>Reads the headline at 32 in flight for <paramref name="period"/>; every answer must equal the sources. Returns p99.</summary>
    private async Task<TimeSpan> ReadAsync(string what, Mesh mesh, Burst burst, TimeSpan period)
    {
        var expected = await Figures.FromSourcesAsync(mesh, burst.Exchanges);
        var latencies = new List<double>[InFlight];
        var failures = 0L;
        var wrong = 0L;
        var stop = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, InFlight).Select(async worker =>
        {
            var mine = latencies[worker] = [];
            while (stop.Elapsed < period)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var headline = await mesh.Metrics.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    if (headline.H1CertifiedDatasets.Value != expected.Datasets || headline.H2CertifiedVolume.Total.Value != expected.DatasetBytes
                        || headline.H3HighQualityTradeAmount.Value != expected.HighQualityTradeFen || headline.H4ListedVolume.Value != expected.ListedBytes)
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));

        var all = latencies.SelectMany(l => l).Order().ToArray();
        var p99 = all.Length == 0 ? double.MaxValue : all[Math.Min(all.Length - 1, (int)Math.Ceiling(all.Length * 0.99) - 1)];
        var p50 = all.Length == 0 ? double.MaxValue : all[all.Length / 2];
        output.WriteLine($"[{what}] {all.Length + failures:N0} headline reads at {InFlight} in flight in {period.TotalSeconds:0} s: " +
            $"{failures} non-OK, {wrong} with wrong figures; p50 {p50:0.0} ms, p99 {p99:0.0} ms, max {(all.Length == 0 ? 0 : all[^1]):0.0} ms");
        Assert.Equal(0, failures);
        Assert.Equal(0, wrong);
        return TimeSpan.FromMilliseconds(p99);
    }
}
