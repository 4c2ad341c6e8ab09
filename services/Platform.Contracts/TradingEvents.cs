namespace Platform.Contracts;

/// <summary>What a listing offers: a certified high-quality dataset from the catalog, or another data product.</summary>
public static class ProductKinds
{
    public const string HighQualityDataset = "high_quality_dataset";
    public const string Other = "other";
}

/// <summary>A data product was listed (挂牌) on an exchange. <paramref name="DatasetId"/> is set for high-quality datasets.</summary>
public sealed record ListingCreated(
    Guid ListingId,
    string ExchangeCode,
    string ProductKind,
    Guid? DatasetId,
    long ListedVolumeBytes,
    DateTimeOffset ListedAt);

/// <summary>A listing was withdrawn, by the provider or because its dataset was retired.</summary>
public sealed record ListingDelisted(
    Guid ListingId,
    string ExchangeCode,
    string ProductKind,
    Guid? DatasetId,
    long ListedVolumeBytes,
    string Reason,
    DateTimeOffset DelistedAt);

/// <summary>
/// A trade was settled. Amounts are exact CNY in fen (1 CNY = 100 fen). <paramref name="TradeType"/> is
/// purchase, subscription or equity_contribution.
/// </summary>
public sealed record TradeSettled(
    Guid TradeId,
    Guid ListingId,
    string ExchangeCode,
    string TradeType,
    string ProductKind,
    Guid? DatasetId,
    long AmountFen,
    DateTimeOffset SettledAt);

/// <summary>A dataset valued at <paramref name="ValuationFen"/> was contributed to a company for a share of its equity (数据语料作价入股).</summary>
public sealed record EquityContributionRecorded(
    Guid TradeId,
    string ExchangeCode,
    Guid? DatasetId,
    string ReceivingCompany,
    long ValuationFen,
    int EquityShareBasisPoints,
    DateTimeOffset RecordedAt);
