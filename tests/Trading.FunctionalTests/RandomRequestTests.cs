using Platform.Testing;
using Platform.Trading.V1;

namespace Platform.Trading.FunctionalTests;

/// <summary>Random requests of every method's shape, by every role: never UNKNOWN or INTERNAL, and a refused one leaves the statistics as they were.</summary>
[Collection(TradingCollection.Name)]
public sealed class RandomRequestTests(TradingFixture fixture)
{
    [Fact]
    public Task RandomRequestsAreAnsweredPreciselyAndRefusedOnesChangeNothing() =>
        RandomRequests.AssertNeverImpreciseAsync(
            TradingService.Descriptor,
            fixture.Invoker,
            async () =>
            {
                var year = DateTime.UtcNow.AddHours(8).Year;
                var stats = await fixture.Client.GetExchangeStatsAsync(new GetExchangeStatsRequest { Period = new Period { Year = year } });
                var exchanges = await fixture.Client.ListExchangesAsync(new ListExchangesRequest());
                var listings = await fixture.Client.ListListingsAsync(new ListListingsRequest { PageSize = 1 });
                return $"{stats} {exchanges.Exchanges.Count} {listings}";
            },
            iterations: 400);
}
