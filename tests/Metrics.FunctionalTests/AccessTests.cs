using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Platform.Metrics.V1;
using Platform.Testing;

namespace Platform.Metrics.FunctionalTests;

/// <summary>Who may call what on metrics: the national figures are public, reports need a reporter, a rebuild an administrator.</summary>
[Collection(MetricsCollection.Name)]
public sealed class AccessTests(MetricsFixture fixture)
{
    private MetricsService.MetricsServiceClient Anonymous => fixture.Host.ClientWith(null);

    private MetricsService.MetricsServiceClient Reporter => fixture.Host.ClientWith(TestTokens.Mint("reporter-1", ["reporter"]));

    [Fact]
    public async Task TheHeadlineAndSeriesAreReadAnonymously()
    {
        var basic = await Anonymous.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest());
        var full = await Anonymous.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = HeadlineView.Full });
        var series = await Anonymous.GetIndicatorSeriesAsync(new GetIndicatorSeriesRequest
        {
            Indicator = Indicator.H6DailyTokens, FromDay = "2024-01-01", ToDay = "2024-01-31", Granularity = Granularity.Day,
        });
        await Anonymous.GetExchangeShareAsync(new GetExchangeShareRequest { ExchangeCode = "BJ" });
        using var watch = Anonymous.WatchHeadlineIndicators(new WatchHeadlineIndicatorsRequest());

        Assert.NotNull(basic.H1CertifiedDatasets);
        Assert.NotNull(full.H1CertifiedDatasets);
        Assert.NotNull(series);
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));
    }

    [Fact]
    public async Task AnonymousRebuildIsUnauthenticatedAndAReporterCannotRebuild()
    {
        var anonymous = await GrpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await Anonymous.RebuildIndicatorsAsync(new RebuildIndicatorsRequest()));
        var reporter = await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await Reporter.RebuildIndicatorsAsync(new RebuildIndicatorsRequest()));

        Assert.Contains("'admin'", anonymous.Status.Detail);
        Assert.Contains("'admin'", reporter.Status.Detail);
    }

    [Fact]
    public async Task OnlyAnAdministratorClearsTheCache()
    {
        await GrpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await Anonymous.ClearHeadlineCacheAsync(new ClearHeadlineCacheRequest()));
        await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await Reporter.ClearHeadlineCacheAsync(new ClearHeadlineCacheRequest()));
    }

    [Fact]
    public async Task ReportsNeedTheReporterRight()
    {
        var provider = Events.Unique("access");
        var batch = new ReportTokenUsageBatchRequest { Usages = { new TokenUsage { Provider = provider, Model = "m", Day = "2008-08-08", Tokens = 5 } } };
        var corpus = new ReportTrainingCorpusRequest
        {
            Provider = provider, Model = "m", TotalTokens = 4, ChineseTokens = 3, AsOf = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
        };
        var exchange = fixture.Host.ClientWith(TestTokens.Mint("exchange-bj", ["exchange"], exchange: "BJ"));

        await GrpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await Anonymous.ReportTokenUsageBatchAsync(batch));
        await GrpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await Anonymous.ReportTrainingCorpusAsync(corpus));
        var denied = await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await exchange.ReportTokenUsageBatchAsync(batch));
        Assert.Contains("'reporter'", denied.Status.Detail);
        await GrpcAssert.FailsWith(StatusCode.Unauthenticated, async () =>
        {
            using var stream = Anonymous.ReportTokenUsage();
            await stream.RequestStream.WriteAsync(new ReportTokenUsageRequest { Usages = { batch.Usages } });
            await stream.RequestStream.CompleteAsync();
            await stream;
        });

        Assert.Equal(1, (await Reporter.ReportTokenUsageBatchAsync(batch)).Received);
        await Reporter.ReportTrainingCorpusAsync(corpus);
    }
}
