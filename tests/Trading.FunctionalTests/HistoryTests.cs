using Platform.History.V1;
using Platform.Testing;
using Platform.Trading.V1;

namespace Platform.Trading.FunctionalTests;

/// <summary>The history of listings and trades: every change with its fields from what to what.</summary>
[Collection(TradingCollection.Name)]
public sealed class HistoryTests(TradingFixture fixture)
{
    private TradingService.TradingServiceClient Client => fixture.Client;

    [Fact]
    public async Task ATradesLifecycleAndADelistingAreEntriesOfTheirRecordsHistory()
    {
        var exchange = await fixture.NewExchangeAsync();
        var listing = await fixture.NewOtherListingAsync(exchange.Code);
        var trade = await Client.PlaceTradeAsync(new PlaceTradeRequest
        {
            RequestId = Guid.NewGuid().ToString(), ListingId = listing.Id, Type = TradeType.Purchase, AmountFen = 100, Buyer = "某公司",
        });
        await Client.ConfirmPaymentAsync(new ConfirmPaymentRequest { RequestId = Guid.NewGuid().ToString(), TradeId = trade.Id, AmountFen = 150 });
        await Client.DelistAsync(new DelistRequest { RequestId = Guid.NewGuid().ToString(), Id = listing.Id });

        var tradeHistory = (await Client.ListHistoryAsync(new ListHistoryRequest { RecordId = trade.Id })).Entries;
        var listingHistory = (await Client.ListHistoryAsync(new ListHistoryRequest { RecordId = listing.Id })).Entries;

        Assert.Equal(["PlaceTrade", "ConfirmPayment"], tradeHistory.Select(e => e.Method));
        var paid = tradeHistory[1].Changes.ToDictionary(c => c.Field);
        Assert.Equal(("\"100\"", "\"150\""), (paid["amount_fen"].From, paid["amount_fen"].To));
        Assert.Equal(("\"TRADE_STATUS_PLACED\"", "\"TRADE_STATUS_PAID\""), (paid["status"].From, paid["status"].To));
        Assert.Equal(["CreateListing", "Delist"], listingHistory.Select(e => e.Method));
        Assert.Contains(listingHistory[1].Changes, c => c.Field == "status" && c.To == "\"LISTING_STATUS_DELISTED\"");

        // Another exchange sees none of it.
        var other = fixture.ClientWith(TestTokens.Mint("history-exchange", ["exchange"], exchange: "ZZ"));
        Assert.Empty((await other.ListHistoryAsync(new ListHistoryRequest { RecordId = trade.Id })).Entries);
    }
}
