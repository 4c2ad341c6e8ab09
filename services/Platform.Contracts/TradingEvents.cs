namespace Platform.Contracts;

/// <summary>A data product was listed (挂牌) on an exchange.</summary>
public sealed record ListingCreated(
    Guid ListingId,
    string ExchangeCode,
    Guid DatasetId,
    long ListedVolumeBytes,
    DateTimeOffset ListedAt);
