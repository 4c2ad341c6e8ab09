using Grpc.Core;
using Google.Protobuf.WellKnownTypes;
using Platform.Metrics.V1;
using Platform.Testing;

namespace Platform.Metrics.FunctionalTests;

[Collection(MetricsCollection.Name)]
public sealed class ReportTests(MetricsFixture fixture)
{
    private MetricsService.MetricsServiceClient Client => fixture.Host.Client;

    private static TokenUsage Usage(string provider, string model, string day, long tokens) =>
        new() { Provider = provider, Model = model, Day = day, Tokens = tokens };

    private Task<IndicatorSeries> DailySeries(string from, string to, Granularity granularity = Granularity.Day) =>
        Client.GetIndicatorSeriesAsync(new GetIndicatorSeriesRequest { Indicator = Indicator.H6DailyTokens, FromDay = from, ToDay = to, Granularity = granularity }).ResponseAsync;

    [Fact]
    public async Task ResentTokenUsageReplacesTheEarlierReport()
    {
        await Client.ReportTokenUsageBatchAsync(new ReportTokenUsageBatchRequest
        {
            Usages = { Usage("deepseek", "v3", "2005-03-01", 100), Usage("qwen", "max", "2005-03-01", 50) },
        });
        var replaced = await Client.ReportTokenUsageBatchAsync(new ReportTokenUsageBatchRequest
        {
            Usages = { Usage("deepseek", "v3", "2005-03-01", 70), Usage("deepseek", "v3", "2005-03-01", 40) },
        });

        var series = await DailySeries("2005-03-01", "2005-03-01");

        Assert.Equal((2, 1), (replaced.Received, replaced.Stored));
        Assert.Equal(90, series.Points.Single().Value);
        Assert.Equal(2, series.Points.Single().RecordCount);
    }

    [Fact]
    public async Task StreamedTokenUsageIsStoredAndReplacesAcrossMessages()
    {
        using var call = Client.ReportTokenUsage();
        for (var message = 0; message < 3; message++)
        {
            var request = new ReportTokenUsageRequest();
            for (var day = 1; day <= 28; day++)
            {
                request.Usages.Add(Usage("zhipu", $"glm-{message % 2}", $"2006-02-{day:D2}", 1_000 * (message + 1)));
            }

            await call.RequestStream.WriteAsync(request);
        }

        await call.RequestStream.CompleteAsync();
        var response = await call;
        var series = await DailySeries("2006-02-01", "2006-02-28");
        var month = await DailySeries("2006-02-01", "2006-02-28", Granularity.Month);

        Assert.Equal(84, response.Received);
        // glm-0 was sent twice (1,000 then 3,000 per day): the second replaced the first; glm-1 sent 2,000.
        Assert.All(series.Points, p => Assert.Equal(5_000, p.Value));
        Assert.Equal(28, series.Points.Count);
        Assert.Equal(5_000, month.Points.Single().Value);
        Assert.Equal(56, month.Provenance.RecordCount);
    }

    [Fact]
    public async Task DailyTokensGrowthBetweenTwoDatesIsThreeHundredFold()
    {
        await Client.ReportTokenUsageBatchAsync(new ReportTokenUsageBatchRequest
        {
            Usages =
            {
                Usage("bytedance", "doubao", "2003-01-15", 60_000_000_000),
                Usage("alibaba", "qwen", "2003-01-15", 40_000_000_000),
                Usage("bytedance", "doubao", "2004-06-30", 18_000_000_000_000),
                Usage("alibaba", "qwen", "2004-06-30", 12_000_000_000_000),
            },
        });

        var series = await DailySeries("2003-01-15", "2004-06-30");
        var twoDays = await DailySeries("2004-06-30", "2004-06-30");

        Assert.Equal(533, series.Points.Count);
        Assert.Equal(100_000_000_000, series.Growth.FromValue);
        Assert.Equal(30_000_000_000_000, series.Growth.ToValue);
        Assert.Equal(("300.00", "times", 3_000_000L), (series.Growth.Multiple.Value, series.Growth.Multiple.Unit, series.Growth.Multiple.BasisPoints));
        Assert.Equal(30_000_000_000_000, twoDays.Points.Single().Value);
    }

    [Fact]
    public async Task TheReservedLoadTestProvidersReportsAreStoredButNotCounted()
    {
        var response = await Client.ReportTokenUsageBatchAsync(new ReportTokenUsageBatchRequest
        {
            Usages =
            {
                Usage("baidu", "ernie", "2007-04-01", 5_000),
                Usage("loadtest", "model-001", "2007-04-01", 1_000_000),
                Usage("loadtest", "model-002", "2007-04-02", 1_000_000),
            },
        });

        var series = await DailySeries("2007-04-01", "2007-04-02");

        Assert.Equal((3, 3), (response.Received, response.Stored));
        Assert.Equal([5_000L, 0L], series.Points.Select(p => p.Value));
        Assert.Equal(1, series.Provenance.RecordCount);
    }

    [Fact]
    public async Task HeadlineDailyTokensIsTheLatestFullDay()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        var yesterday = today.AddDays(-1).ToString("yyyy-MM-dd");
        await Client.ReportTokenUsageBatchAsync(new ReportTokenUsageBatchRequest
        {
            Usages =
            {
                Usage("moonshot", "kimi", yesterday, 7_000),
                Usage("minimax", "abab", yesterday, 3_000),
                Usage("moonshot", "kimi", today.ToString("yyyy-MM-dd"), 1),
            },
        });

        var headline = await Eventually.Returns(
            () => Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = HeadlineView.Full }).ResponseAsync,
            h => h.H6DailyTokens.Day == yesterday);

        Assert.Equal(10_000, headline.H6DailyTokens.Tokens.Value);
        Assert.Equal(2, headline.H6DailyTokens.Tokens.Provenance.RecordCount);
    }

    [Fact]
    public async Task ChineseShareDistributionCountsModelsAboveSixtyPercentExactly()
    {
        var provider = Events.Unique("lab");
        var before = await Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = HeadlineView.Full });
        var asOf = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1));
        (string Model, long Total, long Chinese)[] models = [("a", 1_000, 550), ("b", 1_000, 610), ("c", 3, 2), ("d", 1_000_000_000_000, 600_000_000_000), ("e", 1_000, 855)];
        foreach (var (model, total, chinese) in models)
        {
            await Client.ReportTrainingCorpusAsync(new ReportTrainingCorpusRequest { Provider = provider, Model = model, TotalTokens = total, ChineseTokens = chinese, AsOf = asOf });
        }

        var stale = await Client.ReportTrainingCorpusAsync(new ReportTrainingCorpusRequest
        {
            Provider = provider, Model = "e", TotalTokens = 10, ChineseTokens = 1, AsOf = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1)),
        });
        var headline = await Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = HeadlineView.Full });
        var h7 = headline.H7ChineseTrainingShare;
        var mine = h7.Models.Where(m => m.Provider == provider).ToDictionary(m => m.Model);

        Assert.False(stale.Applied);
        Assert.Equal(855, stale.Model.ChineseTokens);
        Assert.Equal(before.H7ChineseTrainingShare.ModelsAboveThreshold.Value + 3, h7.ModelsAboveThreshold.Value);
        Assert.Equal(before.H7ChineseTrainingShare.ModelCount + 5, h7.ModelCount);
        Assert.Equal(("6667", "66.67"), (mine["c"].ChineseShare.BasisPoints.ToString(), mine["c"].ChineseShare.Value));
        Assert.Equal(6000, mine["d"].ChineseShare.BasisPoints);
        Assert.Equal(("85.50", "percent", "e"), (h7.Maximum.Value, h7.Maximum.Unit, h7.MaximumModel));
        Assert.Equal(6000, h7.Threshold.BasisPoints);
    }

    [Fact]
    public async Task WatchPushesANewSnapshotWithinASecondOfAChangeOnAnotherReplica()
    {
        var replica = await fixture.StartReplicaAsync();
        using var watch = replica.Client.WatchHeadlineIndicators(new WatchHeadlineIndicatorsRequest { View = HeadlineView.Full });
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));

        // A first change warms both replicas' paths (JIT, connections), unbounded; the second is the one timed.
        var warmUp = Events.Unique("warmup");
        await ReportCorpusAsync(warmUp);
        var first = await NextWithAsync(watch, warmUp, TimeSpan.FromSeconds(30));
        var model = Events.Unique("watched");

        await ReportCorpusAsync(model);
        var pushed = await NextWithAsync(watch, model, TimeSpan.FromSeconds(1));

        Assert.Equal(first.H7ChineseTrainingShare.ModelCount + 1, pushed.H7ChineseTrainingShare.ModelCount);
        Assert.Contains(pushed.H7ChineseTrainingShare.Models, m => m.Model == model);
    }

    private Task ReportCorpusAsync(string model) =>
        fixture.Host.Client.ReportTrainingCorpusAsync(new ReportTrainingCorpusRequest
        {
            Provider = "watch", Model = model, TotalTokens = 10, ChineseTokens = 9, AsOf = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(-1)),
        }).ResponseAsync;

    /// <summary>The first snapshot with <paramref name="model"/> pushed within <paramref name="within"/>.</summary>
    private static async Task<HeadlineIndicators> NextWithAsync(AsyncServerStreamingCall<HeadlineIndicators> watch, string model, TimeSpan within)
    {
        using var deadline = new CancellationTokenSource(within);
        while (true)
        {
            Assert.True(await watch.ResponseStream.MoveNext(deadline.Token));
            if (watch.ResponseStream.Current.H7ChineseTrainingShare.Models.Any(m => m.Model == model))
            {
                return watch.ResponseStream.Current;
            }
        }
    }

    [Fact]
    public async Task RebuildRecomputesFromTheStoredRecords()
    {
        var before = await Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = HeadlineView.Full });
        await fixture.QueryAsync<int>(
            "insert into trades (trade_id, listing_id, exchange_code, trade_type, product_kind, amount_fen, settled_at) values (gen_random_uuid(), gen_random_uuid(), 'direct', 'purchase', 'high_quality_dataset', 4242, now()) returning 1");

        var rebuilt = await Client.RebuildIndicatorsAsync(new RebuildIndicatorsRequest());
        var after = await Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = HeadlineView.Full });

        Assert.Equal(before.H3HighQualityTradeAmount.Value + 4242, rebuilt.Headline.H3HighQualityTradeAmount.Value);
        Assert.Equal(rebuilt.Headline.H3HighQualityTradeAmount.Value, after.H3HighQualityTradeAmount.Value);
    }
}
