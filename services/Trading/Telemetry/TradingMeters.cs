using System.Diagnostics;
using System.Diagnostics.Metrics;
using Google.Protobuf;
using Platform.Infrastructure.Telemetry;
using Platform.Infrastructure.Writes;
using Platform.Trading.V1;

namespace Platform.Trading.Telemetry;

/// <summary>
/// Trading's domain instruments, counted by the write path for every committed item: listings created and delisted,
/// trades placed, settled and cancelled with their amounts in fen, by exchange and trade type.
/// </summary>
internal sealed class TradingMeters(ServiceMeter meter) : IDomainMeters
{
    private readonly Counter<long> _listings = meter.Counter("listings", "{listing}",
        "Listings by event (platform.listing.event: created, delisted), exchange and product kind");

    private readonly Counter<long> _trades = meter.Counter("trades", "{trade}",
        "Trades by event (platform.trade.event: placed, settled, cancelled), exchange and trade type");

    private readonly Counter<long> _amount = meter.Counter("trade_amount", "{fen}",
        "CNY amount of the trades (in fen, 1/100 yuan) by event (placed, settled, cancelled), exchange and trade type");

    public void Committed(string method, IMessage response)
    {
        switch (response)
        {
            case Listing listing when ListingEvent(method) is { } step:
                _listings.Add(1, new("platform.listing.event", step), new("platform.exchange", listing.ExchangeCode),
                    new("platform.listing.product_kind", ServiceMeter.Name(listing.ProductKind)));
                break;
            case Trade trade when TradeEvent(method) is { } step:
                var tags = new TagList
                {
                    { "platform.trade.event", step },
                    { "platform.exchange", trade.ExchangeCode },
                    { "platform.trade.type", ServiceMeter.Name(trade.Type) },
                };
                _trades.Add(1, tags);
                _amount.Add(trade.AmountFen, tags);
                break;
        }
    }

    private static string? ListingEvent(string method) => method switch
    {
        nameof(TradingService.TradingServiceBase.CreateListing) => "created",
        nameof(TradingService.TradingServiceBase.Delist) => "delisted",
        _ => null,
    };

    private static string? TradeEvent(string method) => method switch
    {
        nameof(TradingService.TradingServiceBase.PlaceTrade) or nameof(TradingService.TradingServiceBase.RecordEquityContribution) => "placed",
        nameof(TradingService.TradingServiceBase.SettleTrade) => "settled",
        nameof(TradingService.TradingServiceBase.CancelTrade) => "cancelled",
        _ => null,
    };
}
