using Platform.Metrics.V1;
using Platform.Testing;

namespace Platform.Metrics.FunctionalTests;

/// <summary>Bodies that are not one well-formed protobuf message, against every method: INVALID_ARGUMENT, never UNKNOWN or INTERNAL.</summary>
[Collection(MetricsCollection.Name)]
public sealed class MalformedBodyTests(MetricsFixture fixture)
{
    [Fact]
    public async Task EveryMethodAnswersMalformedBodiesWithInvalidArgument()
    {
        using var http = fixture.Host.RawHttp(TestTokens.Admin);
        await MalformedBodies.AssertRefusedAsync(http, fixture.Host.BaseAddress, MetricsService.Descriptor);
    }
}
