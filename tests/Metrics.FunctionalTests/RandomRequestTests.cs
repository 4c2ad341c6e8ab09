using Platform.Metrics.V1;
using Platform.Testing;

namespace Platform.Metrics.FunctionalTests;

/// <summary>Random requests of every method's shape, by every role: never UNKNOWN or INTERNAL, and a refused one leaves the headline as it was.</summary>
[Collection(MetricsCollection.Name)]
public sealed class RandomRequestTests(MetricsFixture fixture)
{
    [Fact]
    public Task RandomRequestsAreAnsweredPreciselyAndRefusedOnesChangeNothing() =>
        RandomRequests.AssertNeverImpreciseAsync(
            MetricsService.Descriptor,
            fixture.Host.Invoker,
            async () =>
            {
                var h = await fixture.Host.Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = HeadlineView.Full });
                return string.Join(' ',
                    h.H1CertifiedDatasets.ValueExact, h.H2CertifiedVolume.Total.ValueExact, h.H3HighQualityTradeAmount.ValueExact,
                    h.H4ListedVolume.ValueExact, h.H5ExchangeShares.Shares.Count, h.H6DailyTokens.Day, h.H6DailyTokens.Tokens.ValueExact,
                    h.H7ChineseTrainingShare.ModelCount, string.Join(',', h.H7ChineseTrainingShare.Models.Select(m => $"{m.Model}:{m.TotalTokens}")),
                    h.H8AnnotationBases.BaseCount.Value);
            },
            iterations: 400);
}
