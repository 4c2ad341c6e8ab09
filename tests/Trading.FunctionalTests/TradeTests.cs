using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Platform.Testing;
using Platform.Trading.V1;

namespace Platform.Trading.FunctionalTests;

[Collection(TradingCollection.Name)]
public sealed class TradeTests(TradingFixture fixture)
{
    private static Timestamp At(int year, int month, int day) => Timestamp.FromDateTimeOffset(new DateTimeOffset(year, month, day, 4, 0, 0, TimeSpan.Zero));

    private static PlaceTradeRequest Purchase(Listing listing, long amountFen = 1_234_567_89) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        ListingId = listing.Id,
        Type = TradeType.Purchase,
        AmountFen = amountFen,
        Buyer = "某人工智能公司",
    };

    [Fact]
    public async Task TradeGoesThroughTheWholeLifecycleAtHistoricalTimes()
    {
        var listing = await fixture.NewHighQualityListingAsync("BJ", listedAt: new DateTimeOffset(2024, 12, 1, 0, 0, 0, TimeSpan.Zero));
        var place = Purchase(listing);
        place.PlacedAt = At(2025, 1, 10);

        var placed = await fixture.Client.PlaceTradeAsync(place);
        var paid = await fixture.Client.ConfirmPaymentAsync(new ConfirmPaymentRequest { RequestId = Guid.NewGuid().ToString(), TradeId = placed.Id, PaidAt = At(2025, 1, 11) });
        var delivered = await fixture.Client.ConfirmDeliveryAsync(new ConfirmDeliveryRequest { RequestId = Guid.NewGuid().ToString(), TradeId = placed.Id, DeliveredAt = At(2025, 1, 12) });
        var settled = await fixture.Client.SettleTradeAsync(new SettleTradeRequest { RequestId = Guid.NewGuid().ToString(), TradeId = placed.Id, SettledAt = At(2025, 1, 13) });

        Assert.Equal(TradeStatus.Placed, placed.Status);
        Assert.Equal(TradeStatus.Paid, paid.Status);
        Assert.Equal(TradeStatus.Delivered, delivered.Status);
        Assert.Equal(TradeStatus.Settled, settled.Status);
        Assert.Equal(ProductKind.HighQualityDataset, settled.ProductKind);
        Assert.Equal(listing.DatasetId, settled.DatasetId);
        Assert.Equal(1_234_567_89, settled.AmountFen);
        Assert.Equal(At(2025, 1, 10), settled.PlacedAt);
        Assert.Equal(At(2025, 1, 13), settled.SettledAt);
        Assert.Equal(settled, await fixture.Client.GetTradeAsync(new GetTradeRequest { Id = placed.Id }));

        var payload = Assert.Single(await fixture.OutboxPayloadsAsync("TradeSettled", "tradeId", placed.Id));
        Assert.Equal(123456789, payload.GetProperty("amountFen").GetInt64());
        Assert.Equal("purchase", payload.GetProperty("tradeType").GetString());
        Assert.Equal("high_quality_dataset", payload.GetProperty("productKind").GetString());
        Assert.Equal(listing.DatasetId, payload.GetProperty("datasetId").GetString());
        Assert.Equal(new DateTimeOffset(2025, 1, 13, 4, 0, 0, TimeSpan.Zero), payload.GetProperty("settledAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task ConcurrentStepsOfManyTradesEachGetTheirOwnAnswerHistoryAndEvent()
    {
        // Concurrent steps are taken together, a trade's second step of the same run checked against its first: two
        // payments of one trade leave one paid and the other refused, whatever the grouping, and another exchange's
        // client finds no trade at all.
        var listing = await fixture.NewHighQualityListingAsync("SH", listedAt: new DateTimeOffset(2024, 12, 1, 0, 0, 0, TimeSpan.Zero));
        var placed = await Task.WhenAll(Enumerable.Range(1, 12).Select(async i =>
        {
            var place = Purchase(listing, amountFen: i * 100);
            place.PlacedAt = At(2025, 1, 10);
            return await fixture.Client.PlaceTradeAsync(place);
        }));
        var beijing = fixture.ClientWith(TestTokens.Mint("exchange-bj", ["exchange"], exchange: "BJ"));

        Task<Trade> Pay(Trade t, long amountFen) => fixture.Client.ConfirmPaymentAsync(
            new ConfirmPaymentRequest { RequestId = Guid.NewGuid().ToString(), TradeId = t.Id, PaidAt = At(2025, 1, 11), AmountFen = amountFen }).ResponseAsync;
        var payments = placed.SelectMany(t => new[] { Pay(t, t.AmountFen + 1), Pay(t, t.AmountFen + 2) }).ToArray();
        var foreign = GrpcAssert.FailsWith(StatusCode.NotFound, async () => await beijing.ConfirmPaymentAsync(
            new ConfirmPaymentRequest { RequestId = Guid.NewGuid().ToString(), TradeId = placed[0].Id, PaidAt = At(2025, 1, 11) }));
        await Task.WhenAll(payments.Select(p => p.ContinueWith(_ => { }, TaskScheduler.Default)).Append(foreign));

        for (var i = 0; i < placed.Length; i++)
        {
            var (first, second) = (payments[2 * i], payments[2 * i + 1]);
            var paid = await Assert.Single(new[] { first, second }, p => p.IsCompletedSuccessfully);
            var refused = Assert.IsType<RpcException>((first.IsCompletedSuccessfully ? second : first).Exception!.InnerException);
            Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
            Assert.Equal((TradeStatus.Paid, placed[i].AmountFen + (first.IsCompletedSuccessfully ? 1 : 2)), (paid.Status, paid.AmountFen));
        }

        var settled = await Task.WhenAll(placed.Select(async (t, i) =>
        {
            await fixture.Client.ConfirmDeliveryAsync(new ConfirmDeliveryRequest { RequestId = Guid.NewGuid().ToString(), TradeId = t.Id, DeliveredAt = At(2025, 1, 12) });
            return await fixture.Client.SettleTradeAsync(new SettleTradeRequest { RequestId = Guid.NewGuid().ToString(), TradeId = t.Id, SettledAt = At(2025, 2, 1 + i) });
        }));

        for (var i = 0; i < placed.Length; i++)
        {
            Assert.Equal((TradeStatus.Settled, At(2025, 2, 1 + i)), (settled[i].Status, settled[i].SettledAt));
            var payload = Assert.Single(await fixture.OutboxPayloadsAsync("TradeSettled", "tradeId", placed[i].Id));
            Assert.Equal(settled[i].AmountFen, payload.GetProperty("amountFen").GetInt64());
            Assert.Equal(At(2025, 2, 1 + i).ToDateTimeOffset(), payload.GetProperty("settledAt").GetDateTimeOffset());
            var history = (await fixture.Client.ListHistoryAsync(new Platform.History.V1.ListHistoryRequest { RecordId = placed[i].Id })).Entries;
            Assert.Equal(["PlaceTrade", "ConfirmPayment", "ConfirmDelivery", "SettleTrade"], history.Select(e => e.Method));
            Assert.Equal(("\"TRADE_STATUS_PLACED\"", "\"TRADE_STATUS_PAID\""), history[1].Changes.Where(c => c.Field == "status").Select(c => (c.From, c.To)).Single());
        }
    }

    [Fact]
    public async Task RetriedPlaceTradeNeverCreatesASecondTrade()
    {
        var exchange = await fixture.NewExchangeAsync();
        var listing = await fixture.NewOtherListingAsync(exchange.Code);
        var request = Purchase(listing);

        var first = await fixture.Client.PlaceTradeAsync(request);
        await fixture.Client.ConfirmPaymentAsync(new ConfirmPaymentRequest { RequestId = Guid.NewGuid().ToString(), TradeId = first.Id });
        var retried = await fixture.Client.PlaceTradeAsync(request);

        // The first answer, byte for byte, though the trade has been paid since.
        Assert.Equal(first, retried);
        Assert.Equal(TradeStatus.Placed, retried.Status);
        Assert.Equal(1, await fixture.CountAsync("select count(*) from trades where exchange_code = @code", new { code = exchange.Code }));
    }

    [Fact]
    public async Task PlaceTradeRefusesARequestIdReusedForAnotherListingOrAmount()
    {
        var first = await fixture.NewOtherListingAsync("SZ");
        var second = await fixture.NewOtherListingAsync("SZ");
        var request = Purchase(first);
        await fixture.Client.PlaceTradeAsync(request);

        var reused = request.Clone();
        reused.ListingId = second.Id;

        var error = await GrpcAssert.FailsWith(StatusCode.AlreadyExists, async () => await fixture.Client.PlaceTradeAsync(reused));
        Assert.Matches(WritePromise.ReusedWording(request.RequestId), error.Status.Detail);
        var otherAmount = request.Clone();
        otherAmount.AmountFen += 100;
        await GrpcAssert.FailsWith(StatusCode.AlreadyExists, async () => await fixture.Client.PlaceTradeAsync(otherAmount));
    }

    [Fact]
    public async Task ConcurrentRetriesOfPlaceTradeCreateOneTrade()
    {
        var listing = await fixture.NewOtherListingAsync("GY");
        var request = Purchase(listing);

        var trades = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => fixture.Client.PlaceTradeAsync(request).ResponseAsync));

        Assert.Single(trades.Select(t => t.Id).Distinct());
        Assert.Equal(1, await fixture.CountAsync("select count(*) from trades where listing_id = @id", new { id = Guid.Parse(listing.Id) }));
    }

    [Fact]
    public async Task RequestIdsOfStepsAreScopedPerMethodAndTiedToTheirRequest()
    {
        var listing = await fixture.NewOtherListingAsync("GY");
        var trade = await fixture.Client.PlaceTradeAsync(Purchase(listing));
        var other = await fixture.Client.PlaceTradeAsync(Purchase(listing));
        var requestId = Guid.NewGuid().ToString();
        await fixture.Client.ConfirmPaymentAsync(new ConfirmPaymentRequest { RequestId = requestId, TradeId = trade.Id });

        // Another method's request ids are its own; the same method with the id on another trade or amount is refused.
        var delivered = await fixture.Client.ConfirmDeliveryAsync(new ConfirmDeliveryRequest { RequestId = requestId, TradeId = trade.Id });
        Assert.Equal(TradeStatus.Delivered, delivered.Status);
        await GrpcAssert.FailsWith(StatusCode.AlreadyExists, async () =>
            await fixture.Client.ConfirmPaymentAsync(new ConfirmPaymentRequest { RequestId = requestId, TradeId = other.Id }));
        await GrpcAssert.FailsWith(StatusCode.AlreadyExists, async () =>
            await fixture.Client.ConfirmPaymentAsync(new ConfirmPaymentRequest { RequestId = requestId, TradeId = trade.Id, AmountFen = 5 }));
        Assert.Equal(TradeStatus.Placed, (await fixture.Client.GetTradeAsync(new GetTradeRequest { Id = other.Id })).Status);
    }

    [Fact]
    public async Task RetriedLifecycleStepReturnsItsFirstAnswer()
    {
        var listing = await fixture.NewOtherListingAsync("SZ");
        var trade = await fixture.Client.PlaceTradeAsync(Purchase(listing));
        var pay = new ConfirmPaymentRequest { RequestId = Guid.NewGuid().ToString(), TradeId = trade.Id };
        var settle = new SettleTradeRequest { RequestId = Guid.NewGuid().ToString(), TradeId = trade.Id };

        var paid = await fixture.Client.ConfirmPaymentAsync(pay);
        await fixture.Client.ConfirmDeliveryAsync(new ConfirmDeliveryRequest { RequestId = Guid.NewGuid().ToString(), TradeId = trade.Id });
        var settled = await fixture.Client.SettleTradeAsync(settle);
        var payRetried = await fixture.Client.ConfirmPaymentAsync(pay);
        var settleRetried = await fixture.Client.SettleTradeAsync(settle);

        Assert.Equal(TradeStatus.Paid, payRetried.Status);
        Assert.Equal(paid, payRetried);
        Assert.Equal(settled, settleRetried);
        Assert.Single(await fixture.OutboxPayloadsAsync("TradeSettled", "tradeId", trade.Id));
    }

    [Fact]
    public async Task IllegalLifecycleStepsAreFailedPrecondition()
    {
        var listing = await fixture.NewOtherListingAsync("SZ");
        var trade = await fixture.Client.PlaceTradeAsync(Purchase(listing));

        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await fixture.Client.ConfirmDeliveryAsync(new ConfirmDeliveryRequest { RequestId = Guid.NewGuid().ToString(), TradeId = trade.Id }));
        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await fixture.Client.SettleTradeAsync(new SettleTradeRequest { RequestId = Guid.NewGuid().ToString(), TradeId = trade.Id }));
        await fixture.Client.ConfirmPaymentAsync(new ConfirmPaymentRequest { RequestId = Guid.NewGuid().ToString(), TradeId = trade.Id });
        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await fixture.Client.ConfirmPaymentAsync(new ConfirmPaymentRequest { RequestId = Guid.NewGuid().ToString(), TradeId = trade.Id }));
        await fixture.Client.ConfirmDeliveryAsync(new ConfirmDeliveryRequest { RequestId = Guid.NewGuid().ToString(), TradeId = trade.Id });
        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await fixture.Client.CancelTradeAsync(new CancelTradeRequest { RequestId = Guid.NewGuid().ToString(), TradeId = trade.Id }));
    }

    [Fact]
    public async Task TradeMayBeCancelledBeforeDeliveryAndThenNothingElse()
    {
        var listing = await fixture.NewOtherListingAsync("SZ");
        var trade = await fixture.Client.PlaceTradeAsync(Purchase(listing));
        await fixture.Client.ConfirmPaymentAsync(new ConfirmPaymentRequest { RequestId = Guid.NewGuid().ToString(), TradeId = trade.Id });

        var cancelled = await fixture.Client.CancelTradeAsync(new CancelTradeRequest { RequestId = Guid.NewGuid().ToString(), TradeId = trade.Id, Reason = "buyer withdrew" });

        Assert.Equal(TradeStatus.Cancelled, cancelled.Status);
        Assert.Equal("buyer withdrew", cancelled.CancelReason);
        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await fixture.Client.ConfirmDeliveryAsync(new ConfirmDeliveryRequest { RequestId = Guid.NewGuid().ToString(), TradeId = trade.Id }));
    }

    [Fact]
    public async Task AmountIsFixedAtPaymentAndFrozenAfterwards()
    {
        var listing = await fixture.NewOtherListingAsync("SZ");
        var trade = await fixture.Client.PlaceTradeAsync(Purchase(listing, amountFen: 10_000));

        var paid = await fixture.Client.ConfirmPaymentAsync(new ConfirmPaymentRequest { RequestId = Guid.NewGuid().ToString(), TradeId = trade.Id, AmountFen = 9_999 });
        var delivered = await fixture.Client.ConfirmDeliveryAsync(new ConfirmDeliveryRequest { RequestId = Guid.NewGuid().ToString(), TradeId = trade.Id });

        Assert.Equal(9_999, paid.AmountFen);
        Assert.Equal(9_999, delivered.AmountFen);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-100)]
    public async Task NonPositiveAmountIsInvalid(long amountFen)
    {
        var listing = await fixture.NewOtherListingAsync("SZ");

        await GrpcAssert.InvalidField("amount_fen", async () => await fixture.Client.PlaceTradeAsync(Purchase(listing, amountFen)));
    }

    [Fact]
    public async Task TradeInTheFutureOrBeforeItsListingIsInvalid()
    {
        var listing = await fixture.NewOtherListingAsync("SZ", listedAt: new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero));
        var future = Purchase(listing);
        future.PlacedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(1));
        var early = Purchase(listing);
        early.PlacedAt = At(2025, 2, 1);

        await GrpcAssert.InvalidField("placed_at", async () => await fixture.Client.PlaceTradeAsync(future));
        await GrpcAssert.InvalidField("placed_at", async () => await fixture.Client.PlaceTradeAsync(early));
    }

    [Fact]
    public async Task StepBeforeThePreviousStepIsInvalid()
    {
        var listing = await fixture.NewOtherListingAsync("SZ", listedAt: new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero));
        var place = Purchase(listing);
        place.PlacedAt = At(2025, 3, 10);
        var trade = await fixture.Client.PlaceTradeAsync(place);

        await GrpcAssert.InvalidField("paid_at", async () => await fixture.Client.ConfirmPaymentAsync(new ConfirmPaymentRequest { RequestId = Guid.NewGuid().ToString(), TradeId = trade.Id, PaidAt = At(2025, 3, 9) }));
    }

    [Fact]
    public async Task TradesAreOnlyPlacedOnActiveListings()
    {
        var listing = await fixture.NewOtherListingAsync("SZ");
        await fixture.Client.DelistAsync(new DelistRequest { Id = listing.Id });

        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await fixture.Client.PlaceTradeAsync(Purchase(listing)));
    }

    [Fact]
    public async Task MoneyMovingWritesWithoutARequestIdAreInvalidAndStoreNothing()
    {
        var exchange = await fixture.NewExchangeAsync();
        var listing = await fixture.NewOtherListingAsync(exchange.Code);
        var place = Purchase(listing);
        place.RequestId = "";

        await GrpcAssert.InvalidField("request_id", async () => await fixture.Client.PlaceTradeAsync(place));
        Assert.Equal(0, await fixture.CountAsync("select count(*) from trades where exchange_code = @code", new { code = exchange.Code }));
        await GrpcAssert.InvalidField("request_id", async () => await fixture.Client.CreateListingAsync(
            new CreateListingRequest { ExchangeCode = exchange.Code, ProductKind = ProductKind.Other, Name = "无请求号", ListedVolumeBytes = 1 }));

        var trade = await fixture.Client.PlaceTradeAsync(Purchase(listing));
        var tradeId = trade.Id;
        await GrpcAssert.InvalidField("request_id", async () => await fixture.Client.ConfirmPaymentAsync(new ConfirmPaymentRequest { TradeId = tradeId }));
        await GrpcAssert.InvalidField("request_id", async () => await fixture.Client.ConfirmDeliveryAsync(new ConfirmDeliveryRequest { TradeId = tradeId }));
        await GrpcAssert.InvalidField("request_id", async () => await fixture.Client.SettleTradeAsync(new SettleTradeRequest { TradeId = tradeId }));
        await GrpcAssert.InvalidField("request_id", async () => await fixture.Client.CancelTradeAsync(new CancelTradeRequest { TradeId = tradeId }));
        Assert.Equal(TradeStatus.Placed, (await fixture.Client.GetTradeAsync(new GetTradeRequest { Id = tradeId })).Status);
    }

    [Fact]
    public async Task UnknownIdsAreNotFound()
    {
        await GrpcAssert.FailsWith(StatusCode.NotFound, async () => await fixture.Client.PlaceTradeAsync(Purchase(new Listing { Id = Guid.NewGuid().ToString() })));
        await GrpcAssert.FailsWith(StatusCode.NotFound, async () => await fixture.Client.GetTradeAsync(new GetTradeRequest { Id = Guid.NewGuid().ToString() }));
        await GrpcAssert.FailsWith(StatusCode.NotFound, async () => await fixture.Client.SettleTradeAsync(new SettleTradeRequest { RequestId = Guid.NewGuid().ToString(), TradeId = Guid.NewGuid().ToString() }));
    }

    [Fact]
    public async Task ListTradesFiltersAndPages()
    {
        var exchange = await fixture.NewExchangeAsync();
        var other = await fixture.NewOtherListingAsync(exchange.Code, listedAt: new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var highQuality = await fixture.NewHighQualityListingAsync(exchange.Code, listedAt: new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var expected = new List<string>();
        for (var day = 1; day <= 3; day++)
        {
            var request = Purchase(highQuality);
            request.PlacedAt = At(2024, 6, day);
            expected.Add((await fixture.Client.PlaceTradeAsync(request)).Id);
            var otherRequest = Purchase(other);
            otherRequest.PlacedAt = At(2024, 6, day);
            await fixture.Client.PlaceTradeAsync(otherRequest);
        }

        var outside = Purchase(highQuality);
        outside.PlacedAt = At(2024, 7, 15);
        await fixture.Client.PlaceTradeAsync(outside);

        var seen = new List<string>();
        var list = new ListTradesRequest
        {
            ExchangeCode = exchange.Code,
            ProductKind = ProductKind.HighQualityDataset,
            Type = TradeType.Purchase,
            Status = TradeStatus.Placed,
            Period = new Period { Year = 2024, Month = 6 },
            PageSize = 2,
        };
        do
        {
            var page = await fixture.Client.ListTradesAsync(list);
            seen.AddRange(page.Trades.Select(t => t.Id));
            list.PageToken = page.NextPageToken;
        }
        while (list.PageToken.Length > 0);

        Assert.Equal(expected, seen);
        await GrpcAssert.InvalidField("page_token", async () => await fixture.Client.ListTradesAsync(new ListTradesRequest { PageToken = "%%%" }));
        await GrpcAssert.InvalidField("period.month", async () => await fixture.Client.ListTradesAsync(new ListTradesRequest { Period = new Period { Year = 2024, Month = 13 } }));
    }
}
