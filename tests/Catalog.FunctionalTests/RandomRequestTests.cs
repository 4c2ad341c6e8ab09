using Platform.Catalog.V1;
using Platform.Testing;

namespace Platform.Catalog.FunctionalTests;

/// <summary>Random requests of every method's shape, by every role: never UNKNOWN or INTERNAL, and a refused one leaves the statistics as they were.</summary>
[Collection(CatalogCollection.Name)]
public sealed class RandomRequestTests(CatalogFixture fixture)
{
    [Fact]
    public Task RandomRequestsAreAnsweredPreciselyAndRefusedOnesChangeNothing() =>
        RandomRequests.AssertNeverImpreciseAsync(
            CatalogService.Descriptor,
            fixture.Invoker,
            async () => (await fixture.Client.GetCatalogStatsAsync(new GetCatalogStatsRequest())).ToString(),
            iterations: 400);
}
