namespace Platform.Trading.Data;

// Rows as Dapper reads them (snake_case columns to PascalCase parameters; timestamptz arrives as a UTC DateTime);
// RowMessages maps them to messages.

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
        "id, exchange_code, product_kind, dataset_id, name, listed_volume_bytes, pricing_model, price_fen, " +
        "status, listed_at, delisted_at, delist_reason, created_at, dataset_revision";
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
        "id, listing_id, exchange_code, trade_type, status, product_kind, dataset_id, amount_fen, buyer, " +
        "receiving_company, equity_share_bps, placed_at, paid_at, delivered_at, settled_at, cancelled_at, " +
        "cancel_reason";

    /// <summary>The business time of the latest step taken; a next step may not be earlier.</summary>
    public DateTime LastStepAt => new[] { PlacedAt, PaidAt ?? default, DeliveredAt ?? default }.Max();
}

/// <summary>Exchange statistics; the sums are exact (numeric), as they can exceed int64.</summary>
internal sealed record StatsRow(decimal TotalAmountFen, decimal HighQualityAmountFen, long TradeCount, decimal ListedVolumeBytes, decimal HighQualityListedVolumeBytes);
