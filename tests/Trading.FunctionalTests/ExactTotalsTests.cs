using Npgsql;
using Platform.Infrastructure.Grpc;
using Platform.Testing;
using Platform.Trading.V1;

namespace Platform.Trading.FunctionalTests;

/// <summary>
/// Listings and trades at the largest bounds, enough that an int64 sum overflows (twelve listings of 1 EB, a million
/// settled trades of 10^13 fen): the exchange statistics answer OK with exact totals and saturated int64 fields.
/// </summary>
[Collection(TradingCollection.Name)]
public sealed class ExactTotalsTests(TradingFixture fixture)
{
    private TradingService.TradingServiceClient Client => fixture.Client;

    [Fact]
    public async Task AmountsAndVolumesAboveTheirBoundsAreInvalid()
    {
        var exchange = await fixture.NewExchangeAsync();
        var listing = await fixture.NewOtherListingAsync(exchange.Code);
        var tooLarge = new CreateListingRequest
        {
            RequestId = Guid.NewGuid().ToString(), ExchangeCode = exchange.Code, ProductKind = ProductKind.Other, Name = "x",
            ListedVolumeBytes = Quantities.MaxVolumeBytes + 1,
            Pricing = new PricingPlan { Model = PricingModel.PerCall, PriceFen = long.MaxValue },
        };
        var bad = await GrpcAssert.InvalidField("listed_volume_bytes", async () => await Client.CreateListingAsync(tooLarge));
        Assert.Contains(bad.FieldViolations, v => v.Field == "pricing.price_fen");

        await GrpcAssert.InvalidField("amount_fen", async () => await Client.PlaceTradeAsync(new PlaceTradeRequest
        {
            RequestId = Guid.NewGuid().ToString(), ListingId = listing.Id, Type = TradeType.Purchase, AmountFen = long.MaxValue,
        }));
        var trade = await Client.PlaceTradeAsync(new PlaceTradeRequest
        {
            RequestId = Guid.NewGuid().ToString(), ListingId = listing.Id, Type = TradeType.Purchase, AmountFen = Quantities.MaxAmountFen,
        });
        await GrpcAssert.InvalidField("amount_fen", async () => await Client.ConfirmPaymentAsync(new ConfirmPaymentRequest
        {
            RequestId = Guid.NewGuid().ToString(), TradeId = trade.Id, AmountFen = Quantities.MaxAmountFen + 1,
        }));
        await GrpcAssert.InvalidField("valuation_fen", async () => await Client.RecordEquityContributionAsync(new RecordEquityContributionRequest
        {
            RequestId = Guid.NewGuid().ToString(), ListingId = listing.Id, ReceivingCompany = "某公司", ValuationFen = long.MaxValue, EquityShareBps = 100,
        }));
    }

    [Fact]
    public async Task StatisticsOverVolumesAndAmountsBeyondInt64AreExact()
    {
        const int listings = 12;
        const int trades = 1_000_000;
        var exchange = await fixture.NewExchangeAsync();
        Listing? listing = null;
        for (var i = 0; i < listings; i++)
        {
            listing = await fixture.NewOtherListingAsync(exchange.Code, Quantities.MaxVolumeBytes);
        }

        var year = DateTime.UtcNow.AddHours(8).Year;
        await using (var connection = new NpgsqlConnection(fixture.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand(
                """
                insert into trades (id, listing_id, exchange_code, trade_type, status, product_kind, amount_fen, placed_at, settled_at, created_at)
                select gen_random_uuid(), @listing, @exchange, 'purchase', 4, 'other', @amount, now(), now(), now()
                from generate_series(1, @trades)
                """, connection);
            insert.Parameters.AddWithValue("listing", Guid.Parse(listing!.Id));
            insert.Parameters.AddWithValue("exchange", exchange.Code);
            insert.Parameters.AddWithValue("amount", Quantities.MaxAmountFen);
            insert.Parameters.AddWithValue("trades", trades);
            insert.CommandTimeout = 300; // a million rows and four indexes, on a machine running the other suites too
            await insert.ExecuteNonQueryAsync();
        }

        try
        {
            await AssertExactAsync(exchange.Code, year, listings, trades);
        }
        finally
        {
            // The million rows would slow every later list and statistic of this suite's database, and the exabytes would
            // saturate the totals other tests compare.
            await using var connection = new NpgsqlConnection(fixture.ConnectionString);
            await connection.OpenAsync();
            await using var delete = new NpgsqlCommand(
                "delete from trades where exchange_code = @exchange; delete from listings where exchange_code = @exchange", connection);
            delete.Parameters.AddWithValue("exchange", exchange.Code);
            delete.CommandTimeout = 300;
            await delete.ExecuteNonQueryAsync();
        }
    }

    private async Task AssertExactAsync(string exchangeCode, int year, int listings, int trades)
    {
        var stats = await Client.GetExchangeStatsAsync(new GetExchangeStatsRequest { ExchangeCode = exchangeCode, Period = new Period { Year = year } });

        var amount = trades * (decimal)Quantities.MaxAmountFen;
        var volume = listings * (decimal)Quantities.MaxVolumeBytes;
        Assert.True(amount > long.MaxValue && volume > long.MaxValue);
        Assert.Equal((amount, long.MaxValue, (long)trades), (Totals.Parse(stats.TotalAmountFenExact), stats.TotalAmountFen, stats.TradeCount));
        Assert.Equal((volume, long.MaxValue), (Totals.Parse(stats.ListedVolumeBytesExact), stats.ListedVolumeBytes));
        Assert.Equal(("0", 0, "0.00"), (stats.HighQualityAmountFenExact.Value, stats.HighQualityShareBps, stats.HighQualitySharePercent));

        var all = await Client.GetExchangeStatsAsync(new GetExchangeStatsRequest { Period = new Period { Year = year } });
        Assert.True(Totals.Parse(all.TotalAmountFenExact) >= amount);
    }
}
