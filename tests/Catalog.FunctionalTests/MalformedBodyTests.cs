using Platform.Catalog.V1;
using Platform.Testing;

namespace Platform.Catalog.FunctionalTests;

/// <summary>Bodies that are not one well-formed protobuf message, against every method: INVALID_ARGUMENT, never UNKNOWN or INTERNAL.</summary>
[Collection(CatalogCollection.Name)]
public sealed class MalformedBodyTests(CatalogFixture fixture)
{
    [Fact]
    public async Task EveryMethodAnswersMalformedBodiesWithInvalidArgument()
    {
        using var http = fixture.RawHttp(TestTokens.Admin);
        await MalformedBodies.AssertRefusedAsync(http, fixture.BaseAddress, CatalogService.Descriptor);
    }
}
