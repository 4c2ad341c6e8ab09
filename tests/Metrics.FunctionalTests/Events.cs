using Platform.Contracts;

namespace Platform.Metrics.FunctionalTests;

/// <summary>Contract events as the catalog and trading services publish them.</summary>
internal static class Events
{
    public static DatasetFacts Facts(string domain, long volumeBytes, string modality = "image", string? baseCode = null) =>
        new("测试数据集", domain, modality, volumeBytes, 10, 0, "Sichuan", "测试机构", baseCode, [new LanguageShare("zh", 10_000)]);

    public static DatasetCertified Certified(Guid id, DatasetFacts facts, DateTimeOffset? at = null, int revision = 1) =>
        new(id, "HQ-" + id.ToString("N")[..8], facts, at ?? DateTimeOffset.UtcNow, revision);

    public static ListingCreated Listed(Guid listingId, string exchange, long bytes, string kind = ProductKinds.HighQualityDataset) =>
        new(listingId, exchange, kind, kind == ProductKinds.HighQualityDataset ? Guid.NewGuid() : null, bytes, DateTimeOffset.UtcNow);

    public static ListingDelisted Delisted(Guid listingId, string exchange, long bytes) =>
        new(listingId, exchange, ProductKinds.HighQualityDataset, Guid.NewGuid(), bytes, "withdrawn", DateTimeOffset.UtcNow);

    public static TradeSettled Trade(string exchange, string kind, long amountFen, int year, string type = "purchase") =>
        new(Guid.NewGuid(), Guid.NewGuid(), exchange, type, kind, kind == ProductKinds.HighQualityDataset ? Guid.NewGuid() : null, amountFen,
            new DateTimeOffset(year, 6, 1, 12, 0, 0, TimeSpan.FromHours(8)));

    /// <summary>An exchange code of the tests' own, shaped as trading's: upper-case, at most 16 characters.</summary>
    public static string ExchangeCode(string prefix) => (prefix + Guid.NewGuid().ToString("N"))[..16].ToUpperInvariant();

    public static string Unique(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}
