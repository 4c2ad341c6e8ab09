using Platform.Trading.V1;
using Platform.Testing;

namespace Platform.Trading.FunctionalTests;

/// <summary>Bodies that are not one well-formed protobuf message, against every method: INVALID_ARGUMENT, never UNKNOWN or INTERNAL.</summary>
[Collection(TradingCollection.Name)]
public sealed class MalformedBodyTests(TradingFixture fixture)
{
    [Fact]
    public async Task EveryMethodAnswersMalformedBodiesWithInvalidArgument()
    {
        using var http = fixture.RawHttp(TestTokens.Admin);
        await MalformedBodies.AssertRefusedAsync(http, fixture.BaseAddress, TradingService.Descriptor);
    }
}
