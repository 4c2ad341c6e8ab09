using Grpc.Core;
using Platform.Testing;
using Platform.Trading.V1;

namespace Platform.Trading.FunctionalTests;

/// <summary>Who may call what on trading: public market reads, exchanges on their own exchange only, administrators.</summary>
[Collection(TradingCollection.Name)]
public sealed class AccessTests(TradingFixture fixture)
{
    private TradingService.TradingServiceClient Anonymous => fixture.ClientWith(null);

    private TradingService.TradingServiceClient ExchangeClient(string code) =>
        fixture.ClientWith(TestTokens.Mint("exchange-" + code.ToLowerInvariant(), ["exchange"], exchange: code));

    private static PlaceTradeRequest Purchase(Listing listing) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        ListingId = listing.Id,
        Type = TradeType.Purchase,
        AmountFen = 10_000_00,
        Buyer = "某人工智能公司",
    };

    [Fact]
    public async Task CreatingAnExchangeNeedsAnAdministrator()
    {
        var request = new CreateExchangeRequest { RequestId = Guid.NewGuid().ToString(), Code = "TX" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant(), Name = "x", Province = "Hainan" };

        var anonymous = await GrpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await Anonymous.CreateExchangeAsync(request));
        var exchange = await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await ExchangeClient("BJ").CreateExchangeAsync(request));

        Assert.Contains("'admin'", anonymous.Status.Detail);
        Assert.Contains("'admin'", exchange.Status.Detail);
        Assert.Contains("exchange-bj", exchange.Status.Detail);
    }

    [Fact]
    public async Task AnExchangeListsOnlyOnItsOwnExchange()
    {
        var own = await ExchangeClient("BJ").CreateListingAsync(OtherListing("BJ"));
        Assert.Equal("BJ", own.ExchangeCode);

        var ex = await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await ExchangeClient("BJ").CreateListingAsync(OtherListing("SH")));
        Assert.Contains("'exchange'", ex.Status.Detail);
        await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () =>
            await ExchangeClient("BJ").BatchCreateListingsAsync(new BatchCreateListingsRequest { Requests = { OtherListing("BJ"), OtherListing("SH") } }));
        await GrpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await Anonymous.CreateListingAsync(OtherListing("BJ")));
        var provider = fixture.ClientWith(TestTokens.Mint("provider-1", ["provider"], organisation: "某医院"));
        await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await provider.CreateListingAsync(OtherListing("BJ")));
    }

    [Fact]
    public async Task BeijingsExchangeCannotSettleOrTouchAShanghaiTrade()
    {
        var shanghai = ExchangeClient("SH");
        var beijing = ExchangeClient("BJ");
        var listing = await shanghai.CreateListingAsync(OtherListing("SH"));
        var trade = await shanghai.PlaceTradeAsync(Purchase(listing));
        await shanghai.ConfirmPaymentAsync(new ConfirmPaymentRequest { RequestId = Guid.NewGuid().ToString(), TradeId = trade.Id });
        await shanghai.ConfirmDeliveryAsync(new ConfirmDeliveryRequest { RequestId = Guid.NewGuid().ToString(), TradeId = trade.Id });

        // Another exchange's trade is NOT_FOUND, answered exactly as an unknown id: nothing tells it the trade exists.
        var unknown = Guid.NewGuid().ToString();
        foreach (var (id, expected) in new[] { (trade.Id, unknown), (unknown, unknown) })
        {
            var settle = await GrpcAssert.FailsWith(StatusCode.NotFound, async () =>
                await beijing.SettleTradeAsync(new SettleTradeRequest { RequestId = Guid.NewGuid().ToString(), TradeId = id }));
            Assert.Equal($"Trade '{expected}' was not found.", settle.Status.Detail.Replace(trade.Id, unknown));
            var get = await GrpcAssert.FailsWith(StatusCode.NotFound, async () => await beijing.GetTradeAsync(new GetTradeRequest { Id = id }));
            Assert.Equal($"Trade '{expected}' was not found.", get.Status.Detail.Replace(trade.Id, unknown));
            await GrpcAssert.FailsWith(StatusCode.NotFound, async () =>
                await beijing.CancelTradeAsync(new CancelTradeRequest { RequestId = Guid.NewGuid().ToString(), TradeId = id }));
            await GrpcAssert.FailsWith(StatusCode.NotFound, async () =>
                await beijing.ConfirmPaymentAsync(new ConfirmPaymentRequest { RequestId = Guid.NewGuid().ToString(), TradeId = id }));
        }

        // Listings are public: acting on another exchange's listing is refused for what it is.
        await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await beijing.PlaceTradeAsync(Purchase(listing)));
        await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () =>
            await beijing.DelistAsync(new DelistRequest { RequestId = Guid.NewGuid().ToString(), Id = listing.Id }));
        await GrpcAssert.FailsWith(StatusCode.Unauthenticated, async () =>
            await Anonymous.SettleTradeAsync(new SettleTradeRequest { RequestId = Guid.NewGuid().ToString(), TradeId = trade.Id }));

        var settled = await shanghai.SettleTradeAsync(new SettleTradeRequest { RequestId = Guid.NewGuid().ToString(), TradeId = trade.Id });
        Assert.Equal(TradeStatus.Settled, settled.Status);
    }

    [Fact]
    public async Task AnExchangeReadsOnlyItsOwnTrades()
    {
        var beijing = ExchangeClient("BJ");
        var own = await beijing.PlaceTradeAsync(Purchase(await beijing.CreateListingAsync(OtherListing("BJ"))));
        await ExchangeClient("SH").PlaceTradeAsync(Purchase(await ExchangeClient("SH").CreateListingAsync(OtherListing("SH"))));

        var listed = await beijing.ListTradesAsync(new ListTradesRequest { PageSize = 500 });

        Assert.Contains(listed.Trades, t => t.Id == own.Id);
        Assert.All(listed.Trades, t => Assert.Equal("BJ", t.ExchangeCode));
        Assert.Equal(own.Id, (await beijing.GetTradeAsync(new GetTradeRequest { Id = own.Id })).Id);
        await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await beijing.ListTradesAsync(new ListTradesRequest { ExchangeCode = "SH" }));
        await GrpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await Anonymous.ListTradesAsync(new ListTradesRequest()));
        Assert.Contains((await fixture.Client.ListTradesAsync(new ListTradesRequest { PageSize = 500 })).Trades, t => t.ExchangeCode == "SH");
    }

    [Fact]
    public async Task MarketFiguresArePublic()
    {
        var listing = await fixture.NewOtherListingAsync("BJ");

        Assert.Contains((await Anonymous.ListExchangesAsync(new ListExchangesRequest())).Exchanges, e => e.Code == "SH");
        Assert.Equal(listing.Id, (await Anonymous.GetListingAsync(new GetListingRequest { Id = listing.Id })).Id);
        Assert.NotEmpty((await Anonymous.ListListingsAsync(new ListListingsRequest { ExchangeCode = "BJ" })).Listings);
        Assert.NotNull(await Anonymous.GetExchangeStatsAsync(new GetExchangeStatsRequest { ExchangeCode = "BJ", Period = new Period { Year = 2025 } }));
    }

    [Fact]
    public async Task AnonymousAdminCallOnAnUnknownIdIsUnauthenticatedNotNotFound()
    {
        await GrpcAssert.FailsWith(StatusCode.Unauthenticated, async () =>
            await Anonymous.GetTradeAsync(new GetTradeRequest { Id = Guid.NewGuid().ToString() }));
        await GrpcAssert.FailsWith(StatusCode.Unauthenticated, async () =>
            await Anonymous.DelistAsync(new DelistRequest { RequestId = "r", Id = Guid.NewGuid().ToString() }));
    }

    private static CreateListingRequest OtherListing(string exchangeCode) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        ExchangeCode = exchangeCode,
        ProductKind = ProductKind.Other,
        Name = "企业征信API",
        ListedVolumeBytes = 1_000,
        Pricing = new PricingPlan { Model = PricingModel.PerCall, PriceFen = 50 },
    };
}
