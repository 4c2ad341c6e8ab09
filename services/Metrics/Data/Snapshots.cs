using System.Text.Json.Serialization;

namespace Platform.Metrics.Data;

/// <summary>
/// Every figure of the headline, as computed from the stored records (cached in Redis as JSON). Sums of bytes, fen and
/// tokens are <see cref="decimal"/>: summed exactly by PostgreSQL (numeric), they can exceed int64; counts are long.
/// </summary>
internal sealed record HeadlineData(
    DateTimeOffset ComputedAt,
    long CertifiedCount,
    decimal CertifiedBytes,
    List<BreakdownData> ByDomain,
    List<BreakdownData> ByModality,
    List<BreakdownData> ByBase,
    long HighQualityTradeCount,
    decimal HighQualityAmountFen,
    long ListedCount,
    decimal ListedBytes,
    List<ExchangeYearData> ExchangeYears,
    DateOnly? LatestFullDay,
    decimal LatestDayTokens,
    long LatestDayReports,
    List<ModelCorpusData> Models,
    List<BaseData> Bases,
    List<UpliftData> Uplifts);

internal sealed record BreakdownData(string Key, long DatasetCount, decimal VolumeBytes);

internal sealed record ExchangeYearData(string ExchangeCode, int Year, decimal HighQualityAmountFen, decimal TotalAmountFen, long TradeCount, long HighQualityTradeCount);

internal sealed record ModelCorpusData(string Provider, string Model, long TotalTokens, long ChineseTokens, DateTimeOffset AsOf);

/// <summary>One H9 group: its evaluations' uplift percentiles and its datasets above the threshold (basis points).</summary>
internal sealed record UpliftData(
    string Domain, string Modality, bool Annotated, long EvaluationCount, long DatasetCount, long MedianBp, long P10Bp, long P90Bp, long DatasetsAboveThreshold);

internal sealed record BaseData(string Code, string Name, string City, string Province, long DatasetCount, decimal VolumeBytes);

internal sealed record SeriesData(int Indicator, int Granularity, string Unit, List<SeriesPointData> Points, long RecordCount, DateTimeOffset ComputedAt);

internal sealed record SeriesPointData(DateOnly PeriodStart, decimal Value, long RecordCount);

internal sealed record ExchangeShareData(List<ExchangeYearData> Years, DateTimeOffset ComputedAt);

[JsonSerializable(typeof(HeadlineData))]
[JsonSerializable(typeof(SeriesData))]
[JsonSerializable(typeof(ExchangeShareData))]
internal sealed partial class CacheJsonContext : JsonSerializerContext;
