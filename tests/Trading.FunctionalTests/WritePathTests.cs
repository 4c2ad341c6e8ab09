using System.Collections.Concurrent;
using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Platform.Audit.V1;
using Platform.Catalog.V1;
using Platform.Testing;
using Platform.Trading.V1;

namespace Platform.Trading.FunctionalTests;

/// <summary>The write path's promise for every trading write (see <see cref="WritePromise"/>), and trading's audit trail.</summary>
[Collection(TradingCollection.Name)]
public sealed class WritePathTests(TradingFixture fixture)
{
    private TradingService.TradingServiceClient Client => fixture.Client;

    private static string NewId() => Guid.NewGuid().ToString();

    private static PlaceTradeRequest Purchase(Listing listing) =>
        new() { RequestId = NewId(), ListingId = listing.Id, Type = TradeType.Purchase, AmountFen = 100, Buyer = "某公司" };

    [Fact]
    public async Task CreateExchange()
    {
        var code = "W" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        await WritePromise.HoldsAsync(
            async r => await Client.CreateExchangeAsync(r),
            new CreateExchangeRequest { RequestId = NewId(), Code = code, Name = "Write Path Exchange", Province = "Hainan" },
            null,
            r => r.Name = "Another name");

        // Another request for the same code is the exchange existing, not a replay.
        await GrpcAssert.FailsWith(StatusCode.AlreadyExists, async () =>
            await Client.CreateExchangeAsync(new CreateExchangeRequest { RequestId = NewId(), Code = code, Name = "Again", Province = "Hainan" }));
    }

    [Fact]
    public async Task CreateListingIsAnsweredFromTheFirstAnswerWithoutAskingCatalogAgain()
    {
        var exchange = await fixture.NewExchangeAsync();
        var dataset = fixture.Catalog.Add(CertificationStatus.Certified);
        var other = fixture.Catalog.Add(CertificationStatus.Certified);
        var request = new CreateListingRequest
        {
            RequestId = NewId(),
            ExchangeCode = exchange.Code,
            ProductKind = ProductKind.HighQualityDataset,
            DatasetId = dataset.Id,
            Pricing = new PricingPlan { Model = PricingModel.OneOff, PriceFen = 100 },
        };

        var calls = 0;
        await WritePromise.HoldsAsync(
            async r => await Client.CreateListingAsync(r), request,
            async first =>
            {
                await Client.DelistAsync(new DelistRequest { RequestId = NewId(), Id = first.Id });
                dataset.Status = CertificationStatus.Retired;
                calls = fixture.Catalog.Calls + fixture.Catalog.BatchCalls;
            },
            r => r.DatasetId = other.Id);

        // The retry was answered without catalog (which now says RETIRED); the refused request asked it nothing either.
        Assert.Equal(calls, fixture.Catalog.Calls + fixture.Catalog.BatchCalls);
    }

    [Fact]
    public async Task BatchCreateListings()
    {
        var exchange = await fixture.NewExchangeAsync();
        var batch = new BatchCreateListingsRequest
        {
            Requests =
            {
                new CreateListingRequest { RequestId = NewId(), ExchangeCode = exchange.Code, ProductKind = ProductKind.Other, Name = "API 1", ListedVolumeBytes = 10 },
                new CreateListingRequest { RequestId = NewId(), ExchangeCode = exchange.Code, ProductKind = ProductKind.Other, Name = "API 2", ListedVolumeBytes = 20 },
            },
        };

        var first = await WritePromise.HoldsAsync(
            async r => await Client.BatchCreateListingsAsync(r), batch,
            async first => await Client.DelistAsync(new DelistRequest { RequestId = NewId(), Id = first.Listings[0].Id }),
            r => r.Requests[1].ListedVolumeBytes = 21);

        Assert.Equal(first.Listings[1], await Client.CreateListingAsync(batch.Requests[1]));
    }

    [Fact]
    public async Task Delist()
    {
        var exchange = await fixture.NewExchangeAsync();
        var listing = await fixture.NewOtherListingAsync(exchange.Code);
        var other = await fixture.NewOtherListingAsync(exchange.Code);

        var first = await WritePromise.HoldsAsync(
            async r => await Client.DelistAsync(r), new DelistRequest { RequestId = NewId(), Id = listing.Id, Reason = "下架" },
            null,
            r => r.Id = other.Id);

        Assert.Equal(ListingStatus.Delisted, first.Status);
    }

    [Fact]
    public async Task PlaceTradeAndEquityContribution()
    {
        var exchange = await fixture.NewExchangeAsync(equityPilot: true);
        var listing = await fixture.NewOtherListingAsync(exchange.Code);

        await WritePromise.HoldsAsync(
            async r => await Client.PlaceTradeAsync(r), Purchase(listing),
            async first => await Client.CancelTradeAsync(new CancelTradeRequest { RequestId = NewId(), TradeId = first.Id }),
            r => r.AmountFen = 200);
        await WritePromise.HoldsAsync(
            async r => await Client.RecordEquityContributionAsync(r),
            new RecordEquityContributionRequest { RequestId = NewId(), ListingId = listing.Id, ReceivingCompany = "某公司", ValuationFen = 1_000, EquityShareBps = 100 },
            null,
            r => r.EquityShareBps = 200);
    }

    [Fact]
    public async Task AWriteHasASpanNamedForItsOperationWithItsRequestIdAndTheResourcesWritten()
    {
        var listing = await fixture.NewOtherListingAsync((await fixture.NewExchangeAsync()).Code);
        var request = Purchase(listing);
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Platform.Writes",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var trade = await Client.PlaceTradeAsync(request);
        await Client.PlaceTradeAsync(request);

        var mine = spans.Where(s => s.GetTagItem("platform.request_ids") is string[] ids && ids.Contains(request.RequestId)).ToArray();
        Assert.Equal(2, mine.Length);
        Assert.All(mine, s => Assert.Equal("write PlaceTrade", s.DisplayName));
        Assert.All(mine, s => Assert.Equal("test-admin", s.GetTagItem("enduser.id")));
        Assert.Contains(trade.Id, (string[])mine[0].GetTagItem("platform.resource_ids")!);
        // The retry wrote nothing: it was answered from the stored answer.
        Assert.Equal(1, mine[1].GetTagItem("platform.write.replayed"));
        Assert.Null(mine[1].GetTagItem("platform.resource_ids"));
    }

    [Fact]
    public async Task EveryLifecycleStep()
    {
        var listing = await fixture.NewOtherListingAsync((await fixture.NewExchangeAsync()).Code);
        var trade = await Client.PlaceTradeAsync(Purchase(listing));
        var other = await Client.PlaceTradeAsync(Purchase(listing));

        await WritePromise.HoldsAsync(
            async r => await Client.ConfirmPaymentAsync(r), new ConfirmPaymentRequest { RequestId = NewId(), TradeId = trade.Id },
            null,
            r => r.AmountFen = 150);
        await WritePromise.HoldsAsync(
            async r => await Client.ConfirmDeliveryAsync(r), new ConfirmDeliveryRequest { RequestId = NewId(), TradeId = trade.Id },
            null,
            r => r.TradeId = other.Id);
        var settled = await WritePromise.HoldsAsync(
            async r => await Client.SettleTradeAsync(r), new SettleTradeRequest { RequestId = NewId(), TradeId = trade.Id },
            null,
            r => r.TradeId = other.Id);
        var cancelled = await WritePromise.HoldsAsync(
            async r => await Client.CancelTradeAsync(r), new CancelTradeRequest { RequestId = NewId(), TradeId = other.Id, Reason = "买方撤回" },
            null,
            r => r.Reason = "另一个理由");

        Assert.Equal((TradeStatus.Settled, TradeStatus.Cancelled), (settled.Status, cancelled.Status));
        Assert.Single(await fixture.OutboxPayloadsAsync("TradeSettled", "tradeId", trade.Id));
    }

    [Fact]
    public async Task ConcurrentCallsWithOneRequestIdWriteOnceAndAllAnswerTheFirstAnswer()
    {
        var listing = await fixture.NewOtherListingAsync((await fixture.NewExchangeAsync()).Code);
        var place = Purchase(listing);
        var placed = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ => await Client.PlaceTradeAsync(place.Clone())));
        Assert.Single(placed.Select(t => t.Id).Distinct());
        Assert.Equal(1, await fixture.CountAsync("select count(*) from trades where listing_id = @id", new { id = Guid.Parse(listing.Id) }));

        // A step whose later copies would find the trade already paid (FAILED_PRECONDITION) answers the first answer too.
        var pay = new ConfirmPaymentRequest { RequestId = NewId(), TradeId = placed[0].Id };
        var paid = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ => await Client.ConfirmPaymentAsync(pay.Clone())));
        Assert.Single(paid.Select(t => t.ToByteString()).Distinct());
        Assert.Equal(TradeStatus.Paid, paid[0].Status);

        var events = (await Client.ListAuditEventsAsync(new ListAuditEventsRequest { ResourceId = placed[0].Id })).Events;
        Assert.Equal(["ConfirmPayment OK", "PlaceTrade OK"], events.Select(e => $"{e.Method} {e.Outcome}"));
    }

    [Fact]
    public async Task ConcurrentCallsAreWrittenInGroupsAndARefusedCallFailsAloneWithoutFailingItsGroup()
    {
        using var meters = new MeterRecorder(fixture.Services);
        var exchange = await fixture.NewExchangeAsync();
        var listing = await fixture.NewOtherListingAsync(exchange.Code);
        var delisted = await fixture.NewOtherListingAsync(exchange.Code);
        await Client.DelistAsync(new DelistRequest { RequestId = NewId(), Id = delisted.Id });
        var first = Purchase(listing);
        await Client.PlaceTradeAsync(first);

        // 96 new trades, 8 on a delisted listing and 8 reusing a request id for another amount, all in flight at once.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 112).Select(async i => i switch
        {
            < 96 => (await Client.PlaceTradeAsync(Purchase(listing))).Status.ToString(),
            < 104 => (await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await Client.PlaceTradeAsync(Purchase(delisted)))).StatusCode.ToString(),
            _ => (await GrpcAssert.FailsWith(StatusCode.AlreadyExists, async () =>
                await Client.PlaceTradeAsync(new PlaceTradeRequest(first) { AmountFen = 200 + i }))).StatusCode.ToString(),
        }));

        Assert.Equal(96, outcomes.Count(o => o == nameof(TradeStatus.Placed)));
        Assert.Equal(97, await fixture.CountAsync("select count(*) from trades where listing_id = @id", new { id = Guid.Parse(listing.Id) }));
        Assert.Equal(0, await fixture.CountAsync("select count(*) from trades where listing_id = @id", new { id = Guid.Parse(delisted.Id) }));
        var audited = await fixture.CountAsync("select count(*) from audit_events where method = 'PlaceTrade' and outcome = 'OK' and resource_ids @> array[@id]", new { id = listing.Id });
        Assert.Equal(97, audited);
        Assert.Equal(97, await fixture.CountAsync("select count(*) from record_history h join trades t on t.id::text = h.record_id where t.listing_id = @id", new { id = Guid.Parse(listing.Id) }));
        var groups = meters.Values("platform.trading.write_group_items");
        Assert.True(groups.Any(items => items > 1), $"no group of more than one call among {groups.Count} groups");
    }

    [Fact]
    public async Task CommittedWritesFeedTheDomainMetersAndRetriesAndRefusalsOnlyTheWriteCounter()
    {
        using var meters = new MeterRecorder(fixture.Services);
        var exchange = await fixture.NewExchangeAsync();
        var listing = await fixture.NewOtherListingAsync(exchange.Code);
        var place = Purchase(listing);
        var trade = await Client.PlaceTradeAsync(place);
        await Client.PlaceTradeAsync(place);
        await Client.ConfirmPaymentAsync(new ConfirmPaymentRequest { RequestId = NewId(), TradeId = trade.Id, AmountFen = 250 });
        await Client.ConfirmDeliveryAsync(new ConfirmDeliveryRequest { RequestId = NewId(), TradeId = trade.Id });
        await Client.SettleTradeAsync(new SettleTradeRequest { RequestId = NewId(), TradeId = trade.Id });
        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await Client.SettleTradeAsync(new SettleTradeRequest { RequestId = NewId(), TradeId = trade.Id }));

        (string, string) On(string step) => ("platform.trade.event", step);
        var here = ("platform.exchange", exchange.Code);
        Assert.Equal((1, 1), (meters.Sum("platform.trading.listings", ("platform.listing.event", "created"), here), meters.Sum("platform.trading.trades", On("placed"), here)));
        Assert.Equal((100, 250), (meters.Sum("platform.trading.trade_amount", On("placed"), here), meters.Sum("platform.trading.trade_amount", On("settled"), here)));
        Assert.Equal(1, meters.Sum("platform.trading.trades", On("settled"), here, ("platform.trade.type", "purchase")));
        Assert.Equal((1, 1, 1), (
            meters.Sum("platform.trading.writes", ("rpc.method", "PlaceTrade"), ("outcome", "OK")),
            meters.Sum("platform.trading.writes", ("rpc.method", "PlaceTrade"), ("outcome", "REPLAYED")),
            meters.Sum("platform.trading.writes", ("rpc.method", "SettleTrade"), ("outcome", "FAILED_PRECONDITION"))));
    }

    [Fact]
    public async Task AnExchangeSeesTheTrailOfItsOwnListingsAndTradesAndNoOneElse()
    {
        var exchange = await fixture.NewExchangeAsync();
        var clientId = "audit-exchange-" + NewId()[..8];
        var own = fixture.ClientWith(TestTokens.Mint(clientId, ["exchange"], exchange: exchange.Code));
        var stranger = fixture.ClientWith(TestTokens.Mint("audit-stranger", ["exchange"], exchange: "SH"));
        var listing = await own.CreateListingAsync(new CreateListingRequest
        {
            RequestId = NewId(), ExchangeCode = exchange.Code, ProductKind = ProductKind.Other, Name = "审计API", ListedVolumeBytes = 5,
        });
        var place = Purchase(listing);
        var trade = await own.PlaceTradeAsync(place);
        await own.PlaceTradeAsync(place);
        // Settling a placed trade is refused (FAILED_PRECONDITION), by the administrator, on the exchange's trade.
        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await Client.SettleTradeAsync(new SettleTradeRequest { RequestId = NewId(), TradeId = trade.Id }));
        await GrpcAssert.FailsWith(StatusCode.NotFound, async () =>
            await stranger.ConfirmPaymentAsync(new ConfirmPaymentRequest { RequestId = NewId(), TradeId = trade.Id }));

        var asAdmin = (await Client.ListAuditEventsAsync(new ListAuditEventsRequest { ResourceId = trade.Id })).Events;
        var asExchange = (await own.ListAuditEventsAsync(new ListAuditEventsRequest { ResourceId = trade.Id })).Events;
        var asStranger = (await stranger.ListAuditEventsAsync(new ListAuditEventsRequest { ResourceId = trade.Id })).Events;

        Assert.Equal(["ConfirmPayment NOT_FOUND audit-stranger", "SettleTrade FAILED_PRECONDITION test-admin", $"PlaceTrade OK {clientId}"],
            asAdmin.Select(e => $"{e.Method} {e.Outcome} {e.ClientId}"));
        Assert.Equal((exchange.Code, exchange.Code, place.RequestId), (asAdmin[2].Owner, asAdmin[2].Exchange, asAdmin[2].RequestId));
        Assert.Equal([trade.Id, listing.Id], asAdmin[2].ResourceIds);
        // The exchange sees its own write; a refusal by another caller names no owner, so it is the administrator's to see.
        Assert.Equal(["PlaceTrade"], asExchange.Select(e => e.Method));
        Assert.Equal(["ConfirmPayment"], asStranger.Select(e => e.Method));
        var byMethod = (await own.ListAuditEventsAsync(new ListAuditEventsRequest { Method = "CreateListing" })).Events;
        Assert.Equal([listing.Id], Assert.Single(byMethod).ResourceIds);
    }

    [Fact]
    public void TheseAndOnlyTheseMethodsAreWrites() =>
        Assert.Equal(["BatchCreateListings", "CancelTrade", "ConfirmDelivery", "ConfirmPayment", "CreateExchange", "CreateListing", "Delist", "PlaceTrade", "PruneRetention", "RecordEquityContribution", "SettleTrade"], WriteMethods.Of(fixture.Services));
}
