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
        var dataset = await CertifiedDatasetAsync(catalog, 7_000_000_000);
        var before = await metrics.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest());

        // The test starts the trace itself, so it knows which one to look for in the dashboard.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var traceParent = new Metadata { { "traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01" } };
        await trading.CreateListingAsync(
            new CreateListingRequest { RequestId = Guid.NewGuid().ToString(), ExchangeCode = "BJ", DatasetId = dataset.Id },
            traceParent);

        await Eventually.Returns(
            () => metrics.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest()).ResponseAsync,
            headline => headline.H4ListedVolume.Value == before.H4ListedVolume.Value + 7_000_000_000,
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

    /// <summary>Registers a dataset and takes it through the certification path (the app host shortens the notice period).</summary>
    internal static async Task<Dataset> CertifiedDatasetAsync(CatalogService.CatalogServiceClient catalog, long volumeBytes)
    {
        var dataset = await catalog.RegisterDatasetAsync(new RegisterDatasetRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Name = "胸部CT医学影像数据集",
            Domain = Domain.Healthcare,
            Modality = Modality.Image,
            VolumeBytes = volumeBytes,
        });
        await catalog.SubmitForCertificationAsync(new SubmitForCertificationRequest { RequestId = Guid.NewGuid().ToString(), Id = dataset.Id });
        var certifyRequestId = Guid.NewGuid().ToString();
        return await Eventually.Returns(
            async () =>
            {
                try
                {
                    return await catalog.CertifyDatasetAsync(new CertifyDatasetRequest { RequestId = certifyRequestId, Id = dataset.Id });
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition)
                {
                    return null; // still in its public notice period
                }
            },
            certified => certified?.Status == CertificationStatus.Certified,
            because: "the dataset is certified once its notice period has passed") ?? throw new InvalidOperationException();
    }
}
