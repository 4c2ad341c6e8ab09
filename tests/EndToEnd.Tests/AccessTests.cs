using Grpc.Core;
using Platform.AppHost;
using Platform.Metrics.V1;
using Platform.Testing;
using Platform.Trading.V1;

namespace Platform.EndToEnd.Tests;

/// <summary>Tokens from the app host's token service, with the secrets of the clients file it generated.</summary>
[Collection(PlatformCollection.Name)]
public sealed class AccessTests(PlatformFixture platform)
{
    [Fact]
    public async Task PublicFiguresAreAnonymousAndRebuildNeedsAnAdministrator()
    {
        using var channel = platform.Channel(ResourceNames.Metrics, null);
        var anonymous = new MetricsService.MetricsServiceClient(channel);

        Assert.NotNull((await anonymous.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest())).H1CertifiedDatasets);
        var ex = await GrpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await anonymous.RebuildIndicatorsAsync(new RebuildIndicatorsRequest()));
        Assert.Contains("'admin'", ex.Status.Detail);
    }

    [Fact]
    public async Task AnExchangesTokenActsOnItsOwnExchangeOnly()
    {
        using var channel = platform.Channel(ResourceNames.Trading, await platform.TokenAsync("exchange-sh", CancellationToken.None));
        var shanghai = new TradingService.TradingServiceClient(channel);
        CreateListingRequest Listing(string code) => new()
        {
            RequestId = Guid.NewGuid().ToString(),
            ExchangeCode = code,
            ProductKind = ProductKind.Other,
            Name = "企业征信API",
            ListedVolumeBytes = 1_000,
            Pricing = new PricingPlan { Model = PricingModel.PerCall, PriceFen = 50 },
        };

        Assert.Equal("SH", (await shanghai.CreateListingAsync(Listing("SH"))).ExchangeCode);
        var ex = await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await shanghai.CreateListingAsync(Listing("BJ")));
        Assert.Contains("exchange-sh", ex.Status.Detail);
    }
}
