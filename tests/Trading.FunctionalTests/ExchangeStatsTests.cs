using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Platform.Testing;
using Platform.Trading.V1;

namespace Platform.Trading.FunctionalTests;

[Collection(TradingCollection.Name)]
public sealed class ExchangeStatsTests(TradingFixture fixture)
{
    private static DateTimeOffset Utc(int year, int month, int day, int hour = 4) => new(year, month, day, hour, 0, 0, TimeSpan.Zero);

    private async Task<Trade> PlaceAsync(Listing listing, long amountFen, DateTimeOffset placedAt, TradeType type = TradeType.Subscription) =>
        await fixture.Client.PlaceTradeAsync(new PlaceTradeRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            ListingId = listing.Id,
            Type = type,
            AmountFen = amountFen,
            PlacedAt = Timestamp.FromDateTimeOffset(placedAt),
        });

    private async Task SettleAsync(Listing listing, long amountFen, DateTimeOffset settledAt)
    {
        var trade = await PlaceAsync(listing, amountFen, settledAt.AddDays(-3), TradeType.Purchase);
        await fixture.Client.ConfirmPaymentAsync(new ConfirmPaymentRequest { RequestId = Guid.NewGuid().ToString(), TradeId = trade.Id, PaidAt = Timestamp.FromDateTimeOffset(settledAt.AddDays(-2)) });
        await fixture.Client.ConfirmDeliveryAsync(new ConfirmDeliveryRequest { RequestId = Guid.NewGuid().ToString(), TradeId = trade.Id, DeliveredAt = Timestamp.FromDateTimeOffset(settledAt.AddDays(-1)) });
        await fixture.Client.SettleTradeAsync(new SettleTradeRequest { RequestId = Guid.NewGuid().ToString(), TradeId = trade.Id, SettledAt = Timestamp.FromDateTimeOffset(settledAt) });
    }

    [Fact]
    public async Task StatsAgreeToTheFenWithTheSettledTrades()
    {
        var exchange = await fixture.NewExchangeAsync();
        var listedAt = Utc(2024, 11, 1);
        var highQuality = await fixture.NewHighQualityListingAsync(exchange.Code, volumeBytes: 1_000_000, listedAt: listedAt);
        var other = await fixture.NewOtherListingAsync(exchange.Code, volumeBytes: 1_000, listedAt: listedAt);
        var withdrawn = await fixture.NewHighQualityListingAsync(exchange.Code, volumeBytes: 500, listedAt: listedAt);

        await SettleAsync(highQuality, 800_000_01, Utc(2025, 2, 10));
        await SettleAsync(other, 250_000_00, Utc(2025, 2, 20));
        await SettleAsync(highQuality, 199_999_99, Utc(2025, 6, 30));
        // 2024-12-31 17:00 UTC is 2025-01-01 01:00 in Beijing: it belongs to 2025.
        await SettleAsync(highQuality, 1, Utc(2024, 12, 31, 17));
        // Settled in 2024 (Beijing time), placed earlier: not in 2025.
        await SettleAsync(highQuality, 7_777_77, Utc(2024, 12, 31, 15));
        // Placed and paid in 2025 but never settled, or cancelled: traded amounts count settled trades only.
        var open = await PlaceAsync(highQuality, 123_45, Utc(2025, 3, 1));
        await fixture.Client.ConfirmPaymentAsync(new ConfirmPaymentRequest { RequestId = Guid.NewGuid().ToString(), TradeId = open.Id, PaidAt = Timestamp.FromDateTimeOffset(Utc(2025, 3, 2)) });
        var cancelled = await PlaceAsync(other, 999_00, Utc(2025, 3, 1));
        await fixture.Client.CancelTradeAsync(new CancelTradeRequest { RequestId = Guid.NewGuid().ToString(), TradeId = cancelled.Id, CancelledAt = Timestamp.FromDateTimeOffset(Utc(2025, 3, 3)) });
        await fixture.Client.DelistAsync(new DelistRequest { Id = withdrawn.Id, DelistedAt = Timestamp.FromDateTimeOffset(Utc(2025, 3, 1)) });

        var year = await fixture.Client.GetExchangeStatsAsync(new GetExchangeStatsRequest { ExchangeCode = exchange.Code, Period = new Period { Year = 2025 } });
        var february = await fixture.Client.GetExchangeStatsAsync(new GetExchangeStatsRequest { ExchangeCode = exchange.Code, Period = new Period { Year = 2025, Month = 2 } });
        var previous = await fixture.Client.GetExchangeStatsAsync(new GetExchangeStatsRequest { ExchangeCode = exchange.Code, Period = new Period { Year = 2024 } });

        const long yearHighQuality = 800_000_01 + 199_999_99 + 1;
        const long yearTotal = yearHighQuality + 250_000_00;
        Assert.Equal(yearTotal, year.TotalAmountFen);
        Assert.Equal(yearHighQuality, year.HighQualityAmountFen);
        Assert.Equal(4, year.TradeCount);
        Assert.Equal(ExpectedBasisPoints(yearHighQuality, yearTotal), year.HighQualityShareBps);
        Assert.Equal(8000, year.HighQualityShareBps);
        Assert.Equal("80.00", year.HighQualitySharePercent);
        // At the end of 2025 the withdrawn listing is gone; at the end of February it was still listed.
        Assert.Equal(1_001_000, year.ListedVolumeBytes);
        Assert.Equal(1_000_000, year.HighQualityListedVolumeBytes);

        Assert.Equal(800_000_01 + 250_000_00, february.TotalAmountFen);
        Assert.Equal(800_000_01, february.HighQualityAmountFen);
        Assert.Equal(2, february.TradeCount);
        Assert.Equal(ExpectedBasisPoints(800_000_01, 800_000_01 + 250_000_00), february.HighQualityShareBps);
        Assert.Equal(1_001_500, february.ListedVolumeBytes);

        Assert.Equal(7_777_77, previous.TotalAmountFen);
        Assert.Equal(10000, previous.HighQualityShareBps);
        Assert.Equal("100.00", previous.HighQualitySharePercent);
    }

    [Fact]
    public async Task StatsOfAQuietPeriodAreZero()
    {
        var exchange = await fixture.NewExchangeAsync();

        var stats = await fixture.Client.GetExchangeStatsAsync(new GetExchangeStatsRequest { ExchangeCode = exchange.Code, Period = new Period { Year = 2024, Month = 7 } });

        Assert.Equal(0, stats.TotalAmountFen);
        Assert.Equal(0, stats.HighQualityShareBps);
        Assert.Equal("0.00", stats.HighQualitySharePercent);
        Assert.Equal(0, stats.ListedVolumeBytes);
    }

    [Fact]
    public async Task StatsOfAllExchangesIncludeEveryExchange()
    {
        var exchange = await fixture.NewExchangeAsync();
        var listing = await fixture.NewOtherListingAsync(exchange.Code, listedAt: Utc(2023, 1, 1));
        var period = new Period { Year = 2023, Month = 5 };
        var before = await fixture.Client.GetExchangeStatsAsync(new GetExchangeStatsRequest { Period = period });

        await SettleAsync(listing, 31_415_93, Utc(2023, 5, 15));
        var after = await fixture.Client.GetExchangeStatsAsync(new GetExchangeStatsRequest { Period = period });

        Assert.Equal(before.TotalAmountFen + 31_415_93, after.TotalAmountFen);
        Assert.Equal(before.TradeCount + 1, after.TradeCount);
        Assert.Equal(string.Empty, after.ExchangeCode);
    }

    [Fact]
    public async Task StatsNeedAValidPeriodAndAKnownExchange()
    {
        await GrpcAssert.InvalidField("period", async () => await fixture.Client.GetExchangeStatsAsync(new GetExchangeStatsRequest { ExchangeCode = "BJ" }));
        await GrpcAssert.InvalidField("period.month", async () => await fixture.Client.GetExchangeStatsAsync(new GetExchangeStatsRequest { ExchangeCode = "BJ", Period = new Period { Year = 2025, Month = 13 } }));
        await GrpcAssert.FailsWith(StatusCode.NotFound, async () => await fixture.Client.GetExchangeStatsAsync(new GetExchangeStatsRequest { ExchangeCode = "NOSUCH", Period = new Period { Year = 2025 } }));
    }

    private static int ExpectedBasisPoints(long part, long total) =>
        (int)Math.Round((decimal)part * 10_000 / total, MidpointRounding.AwayFromZero);
}
