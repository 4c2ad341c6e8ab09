using System.Globalization;
using Platform.Catalog.V1;
using Platform.Metrics.V1;
using Platform.ScenarioLoader.Plan;
using Platform.Trading.V1;

namespace Platform.ScenarioLoader.Verify;

/// <summary>Certified datasets and their bytes, in total and per annotation base ("" = none).</summary>
public sealed record CertifiedFigures(long Count, long VolumeBytes, IReadOnlyDictionary<string, (long Count, long VolumeBytes)> ByBase);

/// <summary>One exchange's settled trade amounts in one year (China Standard Time), as H5 defines them.</summary>
public sealed record ExchangeYear(string ExchangeCode, int Year, long HighQualityAmountFen, long TotalAmountFen, long TradeCount, long HighQualityTradeCount)
{
    public ShareValue Share => Recomputation.Share(HighQualityAmountFen, TotalAmountFen);
}

/// <summary>An exact ratio as the metrics service rounds it: basis points half up and a two-decimal string.</summary>
public sealed record ShareValue(long BasisPoints, string Value);

public sealed record ChineseShareFigures(long ModelCount, long ModelsAboveThreshold, ShareValue? Maximum, string MaximumModel);

/// <summary>
/// The headline indicators recomputed from what the public list APIs return, with the same definitions as the
/// metrics service (services/Metrics/Data/IndicatorQueries.cs) but none of its code. Each function re-applies the
/// status filter it relies on, so a record the server should not have returned still does not count.
/// </summary>
public static class Recomputation
{
    /// <summary>The reporting zone of the platform: China Standard Time, UTC+8 all year.</summary>
    public static readonly TimeSpan ReportingOffset = TimeSpan.FromHours(8);

    /// <summary>H7's threshold: a model counts when its Chinese share is strictly above 60 %.</summary>
    public const long ChineseShareThresholdBasisPoints = 6_000;

    /// <summary>H1, H2 and the per-base part of H8: datasets whose status is CERTIFIED (retired ones are not).</summary>
    public static CertifiedFigures Certified(IEnumerable<Dataset> datasets)
    {
        long count = 0, bytes = 0;
        var byBase = new Dictionary<string, (long Count, long VolumeBytes)>(StringComparer.Ordinal);
        foreach (var dataset in datasets.Where(d => d.Status == CertificationStatus.Certified))
        {
            count++;
            bytes += dataset.VolumeBytes;
            var key = dataset.Annotation?.BaseCode ?? string.Empty;
            var (c, b) = byBase.GetValueOrDefault(key);
            byBase[key] = (c + 1, b + dataset.VolumeBytes);
        }

        return new CertifiedFigures(count, bytes, byBase);
    }

    /// <summary>H3: the amounts of settled trades of high-quality datasets (every trade type, equity contributions included).</summary>
    public static long HighQualityTradeAmount(IEnumerable<Trade> trades) =>
        trades.Where(t => t.Status == TradeStatus.Settled && t.ProductKind == ProductKind.HighQualityDataset).Sum(t => t.AmountFen);

    /// <summary>H4: bytes of high-quality dataset listings that are active now (delisted ones do not count).</summary>
    public static long ListedHighQualityVolume(IEnumerable<Listing> listings) =>
        listings.Where(l => l.Status == ListingStatus.Active && l.ProductKind == ProductKind.HighQualityDataset).Sum(l => l.ListedVolumeBytes);

    /// <summary>
    /// H5: per exchange and year of settlement (China Standard Time), the high-quality and total settled amounts.
    /// Only settled trades count; a cancelled or unfinished trade does not.
    /// </summary>
    public static IReadOnlyList<ExchangeYear> ExchangeYears(IEnumerable<Trade> trades) =>
        trades.Where(t => t.Status == TradeStatus.Settled && t.SettledAt is not null)
            .GroupBy(t => (t.ExchangeCode, Year: t.SettledAt.ToDateTimeOffset().ToOffset(ReportingOffset).Year))
            .Select(g => new ExchangeYear(
                g.Key.ExchangeCode,
                g.Key.Year,
                g.Where(IsHighQuality).Sum(t => t.AmountFen),
                g.Sum(t => t.AmountFen),
                g.LongCount(),
                g.LongCount(IsHighQuality)))
            .OrderBy(y => y.ExchangeCode, StringComparer.Ordinal).ThenBy(y => y.Year)
            .ToList();

    /// <summary>H6: the latest day before <paramref name="today"/> with at least one report, and its tokens.</summary>
    public static (string Day, long Tokens)? LatestFullDay(IEnumerable<SeriesPoint> dailyPoints, DateOnly today)
    {
        var todayText = Day(today);
        var latest = dailyPoints
            .Where(p => p.RecordCount > 0 && string.CompareOrdinal(p.PeriodStart, todayText) < 0)
            .MaxBy(p => p.PeriodStart, StringComparer.Ordinal);
        return latest is null ? null : (latest.PeriodStart, latest.Value);
    }

    /// <summary>
    /// H6 for a month: the average tokens per reported day (days nobody reported do not dilute it), rounded half up.
    /// Zero when no day of the month was reported.
    /// </summary>
    public static long MonthlyAverage(IEnumerable<SeriesPoint> dailyPoints, int year, int month)
    {
        var prefix = $"{year:D4}-{month:D2}-";
        var reported = dailyPoints.Where(p => p.RecordCount > 0 && p.PeriodStart.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        return reported.Count == 0 ? 0 : RoundDiv(reported.Aggregate(Int128.Zero, (sum, p) => sum + p.Value), reported.Count);
    }

    /// <summary>The tokens reported for one day (zero when nobody reported it).</summary>
    public static long DayTokens(IEnumerable<SeriesPoint> dailyPoints, DateOnly day) =>
        dailyPoints.FirstOrDefault(p => p.PeriodStart == Day(day))?.Value ?? 0;

    /// <summary>H7 from the training corpora: models strictly above 60 % (exact comparison) and the highest share.</summary>
    public static ChineseShareFigures ChineseShare(IEnumerable<CorpusPlan> corpora)
    {
        long count = 0, above = 0;
        CorpusPlan? best = null;
        foreach (var corpus in corpora.Where(c => c.TotalTokens > 0))
        {
            count++;
            if ((Int128)corpus.ChineseTokens * 10_000 > (Int128)corpus.TotalTokens * ChineseShareThresholdBasisPoints)
            {
                above++;
            }

            if (best is null || (Int128)corpus.ChineseTokens * best.TotalTokens > (Int128)best.ChineseTokens * corpus.TotalTokens)
            {
                best = corpus;
            }
        }

        return new ChineseShareFigures(count, above, best is null ? null : Share(best.ChineseTokens, best.TotalTokens), best?.Model ?? string.Empty);
    }

    /// <summary>A share n/d in basis points rounded half up, with its percent to two decimals ("80.00"); 0 when d is 0.</summary>
    public static ShareValue Share(long numerator, long denominator)
    {
        if (denominator <= 0)
        {
            return new ShareValue(0, "0.00");
        }

        var basisPoints = RoundDiv((Int128)numerator * 10_000, denominator);
        return new ShareValue(basisPoints, Hundredths(basisPoints));
    }

    /// <summary>A growth multiple n/d ("305.00" times): basis points and hundredths each rounded half up; null when d is 0.</summary>
    public static ShareValue? Multiple(long numerator, long denominator) =>
        denominator <= 0
            ? null
            : new ShareValue(RoundDiv((Int128)numerator * 10_000, denominator), Hundredths(RoundDiv((Int128)numerator * 100, denominator)));

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static bool IsHighQuality(Trade trade) => trade.ProductKind == ProductKind.HighQualityDataset;

    private static long RoundDiv(Int128 numerator, Int128 denominator) => (long)((2 * numerator + denominator) / (2 * denominator));

    private static string Hundredths(long value) => string.Create(CultureInfo.InvariantCulture, $"{value / 100}.{value % 100:D2}");
}
