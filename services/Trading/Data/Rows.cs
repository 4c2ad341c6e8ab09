namespace Platform.Trading.Data;

// Rows as Dapper reads them (timestamptz arrives as a UTC DateTime); the gRPC layer maps them to messages.

internal sealed record ExchangeRow(string Code, string Name, string LocalName, string Province, bool EquityPilot, DateTime CreatedAt);

internal sealed record ListingRow(
    Guid Id,
    string ExchangeCode,
    string ProductKind,
    Guid? DatasetId,
    string Name,
    long ListedVolumeBytes,
    short PricingModel,
    long PriceFen,
    short Status,
    DateTime ListedAt,
    DateTime? DelistedAt,
    string? DelistReason,
    DateTime CreatedAt,
    int? DatasetRevision)
{
    public const string Columns =
        "id, exchange_code as ExchangeCode, product_kind as ProductKind, dataset_id as DatasetId, name, " +
        "listed_volume_bytes as ListedVolumeBytes, pricing_model as PricingModel, price_fen as PriceFen, status, " +
        "listed_at as ListedAt, delisted_at as DelistedAt, delist_reason as DelistReason, created_at as CreatedAt, " +
        "dataset_revision as DatasetRevision";
}

internal sealed record TradeRow(
    Guid Id,
    Guid ListingId,
    string ExchangeCode,
    string TradeType,
    short Status,
    string ProductKind,
    Guid? DatasetId,
    long AmountFen,
    string Buyer,
    string? ReceivingCompany,
    int? EquityShareBps,
    DateTime PlacedAt,
    DateTime? PaidAt,
    DateTime? DeliveredAt,
    DateTime? SettledAt,
    DateTime? CancelledAt,
    string? CancelReason)
{
    public const string Columns =
        "id, listing_id as ListingId, exchange_code as ExchangeCode, trade_type as TradeType, status, product_kind as ProductKind, " +
        "dataset_id as DatasetId, amount_fen as AmountFen, buyer, receiving_company as ReceivingCompany, equity_share_bps as EquityShareBps, " +
        "placed_at as PlacedAt, paid_at as PaidAt, delivered_at as DeliveredAt, settled_at as SettledAt, cancelled_at as CancelledAt, " +
        "cancel_reason as CancelReason";

    /// <summary>The business time of the latest step taken; a next step may not be earlier.</summary>
    public DateTime LastStepAt => new[] { PlacedAt, PaidAt ?? default, DeliveredAt ?? default }.Max();
}

/// <summary>Exchange statistics; the sums are exact (numeric), as they can exceed int64.</summary>
internal sealed record StatsRow(decimal TotalAmountFen, decimal HighQualityAmountFen, long TradeCount, decimal ListedVolumeBytes, decimal HighQualityListedVolumeBytes);
