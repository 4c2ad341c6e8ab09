using Platform.Metrics.V1;
using Platform.Testing;

namespace Platform.Metrics.FunctionalTests;

/// <summary>Random requests of every method's shape, by every role: never UNKNOWN or INTERNAL, and a refused one leaves what metrics' methods write as it was.</summary>
[Collection(MetricsCollection.Name)]
public sealed class RandomRequestTests(MetricsFixture fixture)
{
    [Fact]
    public Task RandomRequestsAreAnsweredPreciselyAndRefusedOnesChangeNothing() =>
        RandomRequests.AssertNeverImpreciseAsync(
            MetricsService.Descriptor,
            fixture.Host.Invoker,
            // The figures metrics' own methods write: token usage (H6) and training corpora (H7). H1–H5, H8 and H9
            // change only by consumed events, which other tests' publications may still be delivering meanwhile.
            async () =>
            {
                var h = await fixture.Host.Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = HeadlineView.Full });
                var series = await fixture.Host.Client.GetIndicatorSeriesAsync(new GetIndicatorSeriesRequest
                {
                    Indicator = Indicator.H6DailyTokens, FromDay = "2000-01-01", ToDay = h.H6DailyTokens.Day.Length > 0 ? h.H6DailyTokens.Day : "2000-01-01", Granularity = Granularity.Month,
                });
                return string.Join(' ',
                    h.H6DailyTokens.Day, h.H6DailyTokens.Tokens.ValueExact, string.Join(',', series.Points.Select(p => $"{p.PeriodStart}:{p.ValueExact.Value}:{p.RecordCount}")),
                    h.H7ChineseTrainingShare.ModelCount, string.Join(',', h.H7ChineseTrainingShare.Models.Select(m => $"{m.Model}:{m.TotalTokens}:{m.ChineseTokens}")));
            },
            iterations: 400);
}
