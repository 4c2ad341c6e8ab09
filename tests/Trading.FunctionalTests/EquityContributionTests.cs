using Grpc.Core;
using Platform.Testing;
using Platform.Trading.V1;

namespace Platform.Trading.FunctionalTests;

[Collection(TradingCollection.Name)]
public sealed class EquityContributionTests(TradingFixture fixture)
{
    private static RecordEquityContributionRequest Contribution(Listing listing) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        ListingId = listing.Id,
        ReceivingCompany = "上海某人工智能科技有限公司",
        ValuationFen = 5_000_000_00,
        EquityShareBps = 1250,
    };

    [Fact]
    public async Task EquityContributionIsRefusedOnBeijing()
    {
        var listing = await fixture.NewHighQualityListingAsync("BJ");

        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await fixture.Client.RecordEquityContributionAsync(Contribution(listing)));
        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await fixture.Client.PlaceTradeAsync(new PlaceTradeRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            ListingId = listing.Id,
            Type = TradeType.EquityContribution,
            AmountFen = 100,
            Equity = new EquityTerms { ReceivingCompany = "某公司", EquityShareBps = 100 },
        }));
        Assert.Equal(0, await fixture.CountAsync("select count(*) from trades where listing_id = @id", new { id = Guid.Parse(listing.Id) }));
    }

    [Fact]
    public async Task EquityContributionIsAcceptedOnShanghaiAndSettlesLikeATrade()
    {
        var listing = await fixture.NewHighQualityListingAsync("SH");
        var request = Contribution(listing);

        var recorded = await fixture.Client.RecordEquityContributionAsync(request);
        var retried = await fixture.Client.RecordEquityContributionAsync(request);
        await fixture.Client.ConfirmPaymentAsync(new ConfirmPaymentRequest { RequestId = Guid.NewGuid().ToString(), TradeId = recorded.Id });
        await fixture.Client.ConfirmDeliveryAsync(new ConfirmDeliveryRequest { RequestId = Guid.NewGuid().ToString(), TradeId = recorded.Id });
        var settled = await fixture.Client.SettleTradeAsync(new SettleTradeRequest { RequestId = Guid.NewGuid().ToString(), TradeId = recorded.Id });

        Assert.Equal(recorded, retried);
        Assert.Equal(TradeType.EquityContribution, recorded.Type);
        Assert.Equal(TradeStatus.Placed, recorded.Status);
        Assert.Equal(5_000_000_00, recorded.AmountFen);
        Assert.Equal("上海某人工智能科技有限公司", recorded.Equity.ReceivingCompany);
        Assert.Equal(1250, recorded.Equity.EquityShareBps);
        Assert.Equal("12.50", recorded.Equity.EquitySharePercent);
        Assert.Equal(TradeStatus.Settled, settled.Status);

        var payload = Assert.Single(await fixture.OutboxPayloadsAsync("EquityContributionRecorded", "tradeId", recorded.Id));
        Assert.Equal(5_000_000_00, payload.GetProperty("valuationFen").GetInt64());
        Assert.Equal(1250, payload.GetProperty("equityShareBasisPoints").GetInt32());
        Assert.Equal("上海某人工智能科技有限公司", payload.GetProperty("receivingCompany").GetString());
        Assert.Equal("SH", payload.GetProperty("exchangeCode").GetString());
        var settledEvent = Assert.Single(await fixture.OutboxPayloadsAsync("TradeSettled", "tradeId", recorded.Id));
        Assert.Equal("equity_contribution", settledEvent.GetProperty("tradeType").GetString());
    }

    [Fact]
    public async Task PlaceTradeOfTypeEquityContributionOnAPilotExchangeRecordsTheContribution()
    {
        var listing = await fixture.NewHighQualityListingAsync("TJ");

        var trade = await fixture.Client.PlaceTradeAsync(new PlaceTradeRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            ListingId = listing.Id,
            Type = TradeType.EquityContribution,
            AmountFen = 300_000_00,
            Equity = new EquityTerms { ReceivingCompany = "天津某数据公司", EquityShareBps = 500 },
        });

        Assert.Equal(TradeType.EquityContribution, trade.Type);
        Assert.Single(await fixture.OutboxPayloadsAsync("EquityContributionRecorded", "tradeId", trade.Id));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10_001)]
    public async Task EquityShareOutsideOneBasisPointToWholeIsInvalid(int basisPoints)
    {
        var listing = await fixture.NewHighQualityListingAsync("AH");
        var request = Contribution(listing);
        request.EquityShareBps = basisPoints;

        await GrpcAssert.InvalidField("equity_share_bps", async () => await fixture.Client.RecordEquityContributionAsync(request));
    }

    [Fact]
    public async Task EquityContributionNeedsTermsAndPurchasesMustNotHaveThem()
    {
        var listing = await fixture.NewOtherListingAsync("SH");

        await GrpcAssert.InvalidField("equity", async () => await fixture.Client.PlaceTradeAsync(new PlaceTradeRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            ListingId = listing.Id, Type = TradeType.EquityContribution, AmountFen = 1,
        }));
        await GrpcAssert.InvalidField("equity", async () => await fixture.Client.PlaceTradeAsync(new PlaceTradeRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            ListingId = listing.Id, Type = TradeType.Purchase, AmountFen = 1, Equity = new EquityTerms { ReceivingCompany = "x", EquityShareBps = 1 },
        }));
    }
}
