using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Platform.Metrics.V1;
using Platform.Testing;

namespace Platform.Metrics.FunctionalTests;

[Collection(MetricsCollection.Name)]
public sealed class ValidationTests(MetricsFixture fixture)
{
    private MetricsService.MetricsServiceClient Client => fixture.Host.Client;

    private Task Batch(params TokenUsage[] usages) =>
        Client.ReportTokenUsageBatchAsync(new ReportTokenUsageBatchRequest { Usages = { usages } }).ResponseAsync;

    private static TokenUsage Valid() => new() { Provider = "p", Model = "m", Day = "2024-01-01", Tokens = 1 };

    [Fact]
    public Task GetHeadlineIndicatorsRejectsAnUnknownView() =>
        GrpcAssert.InvalidField("view", () => Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = (HeadlineView)9 }).ResponseAsync);

    [Fact]
    public async Task WatchHeadlineIndicatorsRejectsAnUnknownView()
    {
        using var watch = Client.WatchHeadlineIndicators(new WatchHeadlineIndicatorsRequest { View = (HeadlineView)9 });
        await GrpcAssert.InvalidField("view", () => watch.ResponseStream.MoveNext());
    }

    [Fact]
    public Task ReportTokenUsageBatchRejectsNegativeTokens() =>
        GrpcAssert.InvalidField("usages[1].tokens", () => Batch(Valid(), new TokenUsage(Valid()) { Tokens = -1 }));

    [Fact]
    public Task ReportTokenUsageBatchRejectsAnEmptyModel() =>
        GrpcAssert.InvalidField("usages[0].model", () => Batch(new TokenUsage(Valid()) { Model = "" }));

    [Fact]
    public Task ReportTokenUsageBatchRejectsAMalformedDay() =>
        GrpcAssert.InvalidField("usages[0].day", () => Batch(new TokenUsage(Valid()) { Day = "2024-02-30" }));

    [Fact]
    public Task ReportTokenUsageBatchRejectsADayInTheFuture() =>
        GrpcAssert.InvalidField("usages[0].day", () => Batch(new TokenUsage(Valid()) { Day = DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd") }));

    [Fact]
    public Task ReportTokenUsageBatchRejectsMoreThanFiftyThousandReports() =>
        GrpcAssert.InvalidField("usages", () => Batch(Enumerable.Range(0, 50_001).Select(_ => Valid()).ToArray()));

    [Fact]
    public Task ReportTokenUsageBatchRejectsANulInAName() =>
        GrpcAssert.InvalidField("usages[0].model", () => Batch(new TokenUsage(Valid()) { Model = "m\0" }));

    [Fact]
    public async Task ReportTokenUsageStreamRejectsANulInAName()
    {
        using var call = Client.ReportTokenUsage();
        await call.RequestStream.WriteAsync(new ReportTokenUsageRequest { Usages = { new TokenUsage(Valid()) { Provider = "p\0" } } });

        var bad = await GrpcAssert.InvalidField("usages[0].provider", async () =>
        {
            await call.RequestStream.CompleteAsync();
            await call;
        });
        Assert.Contains("NUL", bad.FieldViolations.Single().Description);
    }

    [Fact]
    public async Task ReportTokenUsageStreamRejectsAnInvalidReport()
    {
        using var call = Client.ReportTokenUsage();
        await call.RequestStream.WriteAsync(new ReportTokenUsageRequest { Usages = { new TokenUsage(Valid()) { Tokens = -5 } } });

        await GrpcAssert.InvalidField("usages[0].tokens", async () =>
        {
            await call.RequestStream.CompleteAsync();
            await call;
        });
    }

    [Fact]
    public Task ReportTrainingCorpusRejectsMoreChineseTokensThanTotal() =>
        GrpcAssert.InvalidField("chinese_tokens", async () => await Client.ReportTrainingCorpusAsync(new ReportTrainingCorpusRequest
        {
            Provider = "p", Model = "m", TotalTokens = 10, ChineseTokens = 11, AsOf = Timestamp.FromDateTime(DateTime.UtcNow.AddHours(-1)),
        }));

    [Fact]
    public Task ReportTrainingCorpusRejectsAMissingAsOf() =>
        GrpcAssert.InvalidField("as_of", async () => await Client.ReportTrainingCorpusAsync(new ReportTrainingCorpusRequest
        {
            Provider = "p", Model = "m", TotalTokens = 10, ChineseTokens = 1,
        }));

    [Fact]
    public Task GetIndicatorSeriesRejectsARangeEndingBeforeItStarts() =>
        GrpcAssert.InvalidField("to_day", async () => await Client.GetIndicatorSeriesAsync(new GetIndicatorSeriesRequest
        {
            Indicator = Indicator.H6DailyTokens, FromDay = "2025-06-30", ToDay = "2024-01-01", Granularity = Granularity.Day,
        }));

    [Fact]
    public Task GetIndicatorSeriesRejectsAnIndicatorWithoutSeries() =>
        GrpcAssert.InvalidField("indicator", async () => await Client.GetIndicatorSeriesAsync(new GetIndicatorSeriesRequest
        {
            Indicator = Indicator.H7ChineseTrainingShare, FromDay = "2025-01-01", ToDay = "2025-01-02", Granularity = Granularity.Day,
        }));

    [Fact]
    public Task GetExchangeShareRejectsAnInvertedYearRange() =>
        GrpcAssert.InvalidField("to_year", async () => await Client.GetExchangeShareAsync(new GetExchangeShareRequest { FromYear = 2025, ToYear = 2024 }));
}
