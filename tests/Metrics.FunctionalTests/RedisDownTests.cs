using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Platform.Metrics.V1;
using Platform.Testing;

namespace Platform.Metrics.FunctionalTests;

/// <summary>Redis unreachable: answers come from PostgreSQL, stay exact, and no call waits on Redis timeouts.</summary>
[Collection(MetricsCollection.Name)]
public sealed class RedisDownTests(RedisDownFixture fixture)
{
    private MetricsService.MetricsServiceClient Client => fixture.Host.Client;

    [Fact]
    public async Task WritesAreReflectedAtOnceWhenRedisIsUnreachable()
    {
        var provider = Events.Unique("offline");
        await Client.ReportTokenUsageBatchAsync(new ReportTokenUsageBatchRequest
        {
            Usages = { new TokenUsage { Provider = provider, Model = "m", Day = "2007-07-07", Tokens = 123 } },
        });
        await Client.ReportTrainingCorpusAsync(new ReportTrainingCorpusRequest
        {
            Provider = provider, Model = "m", TotalTokens = 4, ChineseTokens = 3, AsOf = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
        });

        var series = await Client.GetIndicatorSeriesAsync(new GetIndicatorSeriesRequest
        {
            Indicator = Indicator.H6DailyTokens, FromDay = "2007-07-07", ToDay = "2007-07-07", Granularity = Granularity.Day,
        });
        var headline = await Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = HeadlineView.Full });

        Assert.Equal(123, series.Points.Single().Value);
        Assert.Equal(7_500, headline.H7ChineseTrainingShare.Models.Single(m => m.Provider == provider).ChineseShare.BasisPoints);
        Assert.True(fixture.Host.Cache.RedisSkipped, "with Redis unreachable the cache skips it (circuit open)");
    }

    [Fact]
    public async Task EventsAreCountedWhenRedisIsUnreachable()
    {
        var domain = Events.Unique("energy");
        await fixture.Host.PublishAsync(Events.Certified(Guid.NewGuid(), Events.Facts(domain, 64)));

        var headline = await Eventually.Returns(
            () => Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = HeadlineView.Full }).ResponseAsync,
            h => h.H2CertifiedVolume.ByDomain.Any(b => b.Key == domain));

        Assert.Equal(64, headline.H2CertifiedVolume.ByDomain.Single(b => b.Key == domain).VolumeBytes);
    }

    [Fact]
    public async Task ReadsDoNotStallWhenRedisIsUnreachable()
    {
        // Fail fast: a read never waits for a Redis timeout (500 ms or more each, seconds in all).
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 20; i++)
        {
            await Client.ReportTokenUsageBatchAsync(new ReportTokenUsageBatchRequest
            {
                Usages = { new TokenUsage { Provider = "stall", Model = "m", Day = "2008-08-08", Tokens = i } },
            });
            var started = Stopwatch.GetTimestamp();
            await Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = HeadlineView.Full });
            var series = await Client.GetIndicatorSeriesAsync(new GetIndicatorSeriesRequest
            {
                Indicator = Indicator.H6DailyTokens, FromDay = "2008-08-08", ToDay = "2008-08-08", Granularity = Granularity.Day,
            });
            var elapsed = Stopwatch.GetElapsedTime(started);
            slowest = elapsed > slowest ? elapsed : slowest;
            Assert.Equal(i, series.Points.Single().Value);
        }

        Assert.True(slowest < TimeSpan.FromSeconds(1), $"slowest read pair took {slowest.TotalMilliseconds} ms");
    }
}
