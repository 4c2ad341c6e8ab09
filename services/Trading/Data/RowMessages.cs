using Google.Protobuf.WellKnownTypes;
using Platform.Infrastructure.Grpc;
using Platform.Trading.Domain;
using Platform.Trading.V1;

namespace Platform.Trading.Data;

/// <summary>Rows to the messages the write path stores as answers and the reads return.</summary>
internal static class RowMessages
{
    public static Exchange ToMessage(this ExchangeRow row) => new()
    {
        Code = row.Code,
        Name = row.Name,
        LocalName = row.LocalName,
        Province = row.Province,
        EquityPilot = row.EquityPilot,
        CreatedAt = ToTimestamp(row.CreatedAt),
    };

    public static Listing ToMessage(this ListingRow row) => new()
    {
        Id = row.Id.ToString(),
        ExchangeCode = row.ExchangeCode,
        ProductKind = Names.ProductKindOf(row.ProductKind),
        DatasetId = row.DatasetId?.ToString() ?? string.Empty,
        Name = row.Name,
        ListedVolumeBytes = row.ListedVolumeBytes,
        Pricing = row.PricingModel == 0 ? null : new PricingPlan { Model = (PricingModel)row.PricingModel, PriceFen = row.PriceFen },
        Status = (ListingStatus)row.Status,
        ListedAt = ToTimestamp(row.ListedAt),
        DelistedAt = ToTimestamp(row.DelistedAt),
        DelistReason = row.DelistReason ?? string.Empty,
        CreatedAt = ToTimestamp(row.CreatedAt),
        DatasetRevision = row.DatasetRevision ?? 0,
    };

    public static Trade ToMessage(this TradeRow row) => new()
    {
        Id = row.Id.ToString(),
        ListingId = row.ListingId.ToString(),
        ExchangeCode = row.ExchangeCode,
        Type = Names.TradeTypeOf(row.TradeType),
        Status = (TradeStatus)row.Status,
        ProductKind = Names.ProductKindOf(row.ProductKind),
        DatasetId = row.DatasetId?.ToString() ?? string.Empty,
        AmountFen = row.AmountFen,
        Buyer = row.Buyer,
        Equity = row.EquityShareBps is { } bps
            ? new EquityTerms { ReceivingCompany = row.ReceivingCompany ?? string.Empty, EquityShareBps = bps, EquitySharePercent = Shares.Percent(bps) }
            : null,
        PlacedAt = ToTimestamp(row.PlacedAt),
        PaidAt = ToTimestamp(row.PaidAt),
        DeliveredAt = ToTimestamp(row.DeliveredAt),
        SettledAt = ToTimestamp(row.SettledAt),
        CancelledAt = ToTimestamp(row.CancelledAt),
        CancelReason = row.CancelReason ?? string.Empty,
    };

    public static ExchangeStats ToMessage(this StatsRow row, string? exchangeCode, Period period)
    {
        var share = Shares.BasisPoints(row.HighQualityAmountFen, row.TotalAmountFen);
        return new ExchangeStats
        {
            ExchangeCode = exchangeCode ?? string.Empty,
            Period = period,
            TotalAmountFen = Totals.Saturated(row.TotalAmountFen),
            TotalAmountFenExact = Totals.Exact(row.TotalAmountFen),
            HighQualityAmountFen = Totals.Saturated(row.HighQualityAmountFen),
            HighQualityAmountFenExact = Totals.Exact(row.HighQualityAmountFen),
            HighQualityShareBps = share,
            HighQualitySharePercent = Shares.Percent(share),
            TradeCount = row.TradeCount,
            ListedVolumeBytes = Totals.Saturated(row.ListedVolumeBytes),
            ListedVolumeBytesExact = Totals.Exact(row.ListedVolumeBytes),
            HighQualityListedVolumeBytes = Totals.Saturated(row.HighQualityListedVolumeBytes),
            HighQualityListedVolumeBytesExact = Totals.Exact(row.HighQualityListedVolumeBytes),
        };
    }

    private static Timestamp? ToTimestamp(DateTime? value) =>
        value is { } at ? Timestamp.FromDateTime(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
}
