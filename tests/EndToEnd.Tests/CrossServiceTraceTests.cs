using System.Diagnostics;
using Grpc.Core;
using Platform.AppHost;
using Platform.Catalog.V1;
using Platform.Metrics.V1;
using Platform.Testing;
using Platform.Trading.V1;

namespace Platform.EndToEnd.Tests;

[Collection(PlatformCollection.Name)]
public sealed class CrossServiceTraceTests(PlatformFixture platform)
{
    [Fact]
    public async Task ListingADatasetProducesOneTraceSpanningTradingCatalogAndMetrics()
    {
        var catalog = new CatalogService.CatalogServiceClient(platform.Catalog);
        var trading = new TradingService.TradingServiceClient(platform.Trading);
        var metrics = new MetricsService.MetricsServiceClient(platform.Metrics);
        var dataset = await catalog.RegisterDatasetAsync(new RegisterDatasetRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Name = "胸部CT医学影像数据集",
            VolumeBytes = 7_000_000_000,
        });
        var before = await metrics.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest());

        // The test starts the trace itself, so it knows which one to look for in the dashboard.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var traceParent = new Metadata { { "traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01" } };
        await trading.CreateListingAsync(
            new CreateListingRequest { RequestId = Guid.NewGuid().ToString(), ExchangeCode = "BJ", DatasetId = dataset.Id },
            traceParent);

        await Eventually.Returns(
            () => metrics.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest()).ResponseAsync,
            headline => headline.ListedBytes == before.ListedBytes + 7_000_000_000,
            because: "metrics consumes the listing event");

        var spans = await Eventually.Returns(
            () => DashboardTraces.GetTraceAsync(platform.Dashboard, traceId),
            s => s.Any(span => span.Service == ResourceNames.Metrics && span.Kind == TraceSpan.Consumer),
            because: "the trace reaches the dashboard with the metrics consumer span");

        Assert.Contains(spans, s => s.Service == ResourceNames.Trading && s.Kind == TraceSpan.Server && s.Name.Contains("CreateListing", StringComparison.Ordinal));
        Assert.Contains(spans, s => s.Service == ResourceNames.Trading && s.Kind == TraceSpan.Client && s.Name.Contains("GetDataset", StringComparison.Ordinal));
        Assert.Contains(spans, s => s.Service == ResourceNames.Catalog && s.Kind == TraceSpan.Server && s.Name.Contains("GetDataset", StringComparison.Ordinal));
        Assert.Contains(spans, s => s.Service == ResourceNames.Trading && s.Kind == TraceSpan.Producer);
        Assert.Contains(spans, s => s.Service == ResourceNames.Metrics && s.Kind == TraceSpan.Consumer);
        Assert.Contains(spans, s => s.Attributes.ContainsKey("db.system") || s.Attributes.ContainsKey("db.system.name"));
    }
}
