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
    public async Task ConcurrentTradesAndContributionsEachGetTheirOwnAnswerAndEvent()
    {
        // Concurrent single placements are written in groups, as one run of the placing change: each call must still get
        // its own answer, each contribution its own event in its own call's trace, and a refused call must
        // neither fail the others nor be written.
        var shanghai = await fixture.NewHighQualityListingAsync("SH");
        var beijing = await fixture.NewHighQualityListingAsync("BJ");
        var contributions = Enumerable.Range(1, 16).Select(i =>
        {
            var contribution = Contribution(shanghai);
            contribution.ReceivingCompany = $"上海第{i}数据公司";
            contribution.EquityShareBps = i;
            return contribution;
        }).ToArray();
        var trades = Enumerable.Range(1, 16).Select(i => new PlaceTradeRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            ListingId = shanghai.Id,
            Type = TradeType.Purchase,
            AmountFen = i,
        }).ToArray();

        var traceIds = contributions.Select(_ => System.Diagnostics.ActivityTraceId.CreateRandom()).ToArray();
        async Task<Trade> RecordAsync(int i)
        {
            // The in-process server continues the caller's trace.
            using var call = new System.Diagnostics.Activity("test call")
                .SetParentId(traceIds[i], System.Diagnostics.ActivitySpanId.CreateRandom(), System.Diagnostics.ActivityTraceFlags.Recorded).Start();
            return await fixture.Client.RecordEquityContributionAsync(contributions[i]);
        }

        // Interleaved, so a group's run holds trades and contributions mixed.
        var recorded = new Task<Trade>[contributions.Length];
        var placed = new Task<Trade>[trades.Length];
        Task refused = Task.CompletedTask;
        for (var i = 0; i < contributions.Length; i++)
        {
            recorded[i] = RecordAsync(i);
            placed[i] = fixture.Client.PlaceTradeAsync(trades[i]).ResponseAsync;
            if (i == contributions.Length / 2)
            {
                refused = GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await fixture.Client.RecordEquityContributionAsync(Contribution(beijing)));
            }
        }

        await Task.WhenAll([.. recorded, .. placed, refused]);

        for (var i = 0; i < contributions.Length; i++)
        {
            var trade = await recorded[i];
            Assert.Equal((contributions[i].ReceivingCompany, i + 1), (trade.Equity.ReceivingCompany, trade.Equity.EquityShareBps));
            var payload = Assert.Single(await fixture.OutboxPayloadsAsync("EquityContributionRecorded", "tradeId", trade.Id));
            Assert.Equal(contributions[i].ReceivingCompany, payload.GetProperty("receivingCompany").GetString());
            Assert.Equal(i + 1, payload.GetProperty("equityShareBasisPoints").GetInt32());
            var traceParent = await fixture.ScalarAsync<string?>(
                "select trace_parent from outbox_messages where payload ->> 'tradeId' = @id", new { id = trade.Id });
            Assert.Equal(traceIds[i], System.Diagnostics.ActivityContext.Parse(traceParent!, null).TraceId);
        }

        Assert.Equal(Enumerable.Range(1, 16).Select(i => (long)i), (await Task.WhenAll(placed)).Select(t => t.AmountFen));
        Assert.Equal(0, await fixture.CountAsync("select count(*) from trades where listing_id = @id", new { id = Guid.Parse(beijing.Id) }));
        Assert.Equal(32, await fixture.CountAsync("select count(*) from trades where listing_id = @id", new { id = Guid.Parse(shanghai.Id) }));
    }

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
