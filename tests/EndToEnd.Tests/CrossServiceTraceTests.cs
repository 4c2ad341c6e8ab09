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

        // Each service exports its spans in its own batches (every few seconds), so wait until every part has arrived.
        var expected = new (string Because, Func<TraceSpan, bool> Match)[]
        {
            ("trading's server span", s => s.Service == ResourceNames.Trading && s.Kind == TraceSpan.Server && s.Name.Contains("CreateListing", StringComparison.Ordinal)),
            ("trading's gRPC client call to catalog", s => s.Service == ResourceNames.Trading && s.Kind == TraceSpan.Client && s.Name.Contains("GetDataset", StringComparison.Ordinal)),
            ("catalog's server span", s => s.Service == ResourceNames.Catalog && s.Kind == TraceSpan.Server && s.Name.Contains("GetDataset", StringComparison.Ordinal)),
            ("trading's MassTransit publish", s => s.Service == ResourceNames.Trading && s.Kind == TraceSpan.Producer),
            ("metrics' MassTransit consume", s => s.Service == ResourceNames.Metrics && s.Kind == TraceSpan.Consumer),
            ("a PostgreSQL span", s => s.Attributes.ContainsKey("db.system") || s.Attributes.ContainsKey("db.system.name")),
        };
        IReadOnlyList<TraceSpan> spans;
        try
        {
            spans = await Eventually.Returns(
                () => DashboardTraces.GetTraceAsync(platform.Dashboard, traceId),
                s => expected.All(e => s.Any(e.Match)),
                TimeSpan.FromSeconds(30),
                because: "the whole trace reaches the dashboard");
        }
        catch (Xunit.Sdk.XunitException)
        {
            spans = await DashboardTraces.GetTraceAsync(platform.Dashboard, traceId);
        }

        var seen = string.Join(", ", spans.Select(s => $"{s.Service}:{s.Kind}:{s.Name}"));
        foreach (var (because, match) in expected)
        {
            Assert.True(spans.Any(match), $"The trace lacks {because}. Spans seen: {seen}");
        }
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
