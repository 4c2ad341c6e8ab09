using System.Globalization;
using Platform.Metrics.V1;
using Platform.ScenarioLoader.Loading;

namespace Platform.ScenarioLoader.Verify;

/// <summary>Everything the verification recomputed, and where from.</summary>
public sealed record RecomputedFigures(
    CertifiedFigures Certified,
    string DatasetSource,
    IReadOnlyList<Platform.Catalog.V1.AnnotationBase> CatalogBases,
    long HighQualityTradeAmountFen,
    IReadOnlyList<ExchangeYear> ExchangeYears,
    string TradeSource,
    long ListedHighQualityBytes,
    string ListingSource,
    (string Day, long Tokens)? LatestFullDay,
    long January2024AverageTokens,
    long June2025AverageTokens,
    long FirstDayTokens,
    long LastDayTokens,
    ChineseShareFigures ChineseShare,
    UpliftFigures Uplift,
    string EvaluationSource,
    int Seed);

/// <summary>What the metrics service says: the headline snapshot and the two H6 series whose growth the headline shows.</summary>
public sealed record MetricsFigures(HeadlineIndicators Headline, IndicatorSeries MonthlyTokens, IndicatorSeries DailyTokens);

/// <summary>The recomputed figures beside the metrics service's: exact equality, ratios as metrics rounds them.</summary>
public static class VerificationTable
{
    public sealed record Row(string Indicator, string Source, string Recomputed, string Metrics, bool Agrees);

    public static IReadOnlyList<Row> Build(RecomputedFigures r, MetricsFigures m)
    {
        var h = m.Headline;
        var rows = new List<Row>
        {
            Exact("H1 certified high-quality datasets", r.DatasetSource, r.Certified.Count, h.H1CertifiedDatasets?.Value, "datasets"),
            Exact("H2 their total volume", r.DatasetSource, r.Certified.VolumeBytes, h.H2CertifiedVolume?.Total?.Value, "bytes"),
            Exact("H3 high-quality trade amount", r.TradeSource + ", SETTLED, high-quality", r.HighQualityTradeAmountFen, h.H3HighQualityTradeAmount?.Value, "fen"),
            Exact("H4 high-quality volume listed", r.ListingSource, r.ListedHighQualityBytes, h.H4ListedVolume?.Value, "bytes"),
        };
        rows.AddRange(ExchangeShareRows(r, h.H5ExchangeShares?.Shares ?? []));
        rows.AddRange(TokenRows(r, m));
        rows.AddRange(ChineseShareRows(r, h.H7ChineseTrainingShare));
        rows.AddRange(AnnotationBaseRows(r, h.H8AnnotationBases));
        rows.AddRange(UpliftRows(r, h.H9EvaluationUplift));
        return rows;
    }

    public static string Format(IReadOnlyList<Row> rows) => MarkdownTable.Format(
        ["indicator", "recomputed from", "recomputed", "metrics", "agree"],
        rows.Select(r => new[] { r.Indicator, r.Source, r.Recomputed, r.Metrics, MarkdownTable.YesNo(r.Agrees) }));

    private static Row Exact(string indicator, string source, long recomputed, long? metrics, string unit) =>
        new(indicator, source, N(recomputed, unit), metrics is { } v ? N(v, unit) : "missing", metrics == recomputed);

    private static IEnumerable<Row> ExchangeShareRows(RecomputedFigures r, IEnumerable<ExchangeYearShare> metrics)
    {
        var ours = r.ExchangeYears.ToDictionary(y => (y.ExchangeCode, y.Year));
        var theirs = metrics.ToDictionary(s => (s.ExchangeCode, s.Year));
        var keys = ours.Keys.Union(theirs.Keys).OrderBy(k => k.ExchangeCode, StringComparer.Ordinal).ThenBy(k => k.Year);
        foreach (var key in keys)
        {
            var mine = ours.GetValueOrDefault(key);
            var other = theirs.GetValueOrDefault(key);
            var agrees = mine is not null && other is not null
                && mine.HighQualityAmountFen == other.HighQualityAmountFen
                && mine.TotalAmountFen == other.TotalAmountFen
                && mine.Share.BasisPoints == other.Share?.BasisPoints
                && mine.Share.Value == other.Share?.Value;
            yield return new Row(
                $"H5 {key.ExchangeCode} {key.Year} high-quality share",
                r.TradeSource + ", SETTLED, by settlement year (UTC+8)",
                mine is null ? "none" : ShareText(mine.Share.Value, mine.HighQualityAmountFen, mine.TotalAmountFen),
                other is null ? "none" : ShareText(other.Share?.Value ?? "?", other.HighQualityAmountFen, other.TotalAmountFen),
                agrees);
        }
    }

    private static IEnumerable<Row> TokenRows(RecomputedFigures r, MetricsFigures m)
    {
        const string source = "metrics GetIndicatorSeries(H6, DAY) points (tokens exist only in metrics' inputs)";
        var headlineDay = m.Headline.H6DailyTokens;
        var metricsDay = string.IsNullOrEmpty(headlineDay?.Day) ? null : ((string Day, long Tokens)?)(headlineDay.Day, headlineDay.Tokens?.Value ?? 0);
        yield return new Row(
            "H6 latest full day (headline)",
            source,
            r.LatestFullDay is { } d ? $"{d.Day}: {N(d.Tokens, "tokens")}" : "none",
            metricsDay is { } e ? $"{e.Day}: {N(e.Tokens, "tokens")}" : "none",
            r.LatestFullDay == metricsDay);

        yield return GrowthRow(
            "H6 growth Jan 2024 → Jun 2025 (monthly average per reported day)",
            source + ", averaged here",
            r.January2024AverageTokens,
            r.June2025AverageTokens,
            m.MonthlyTokens.Growth);
        yield return GrowthRow(
            "H6 growth 2024-01-01 → 2025-06-30 (days)",
            source,
            r.FirstDayTokens,
            r.LastDayTokens,
            m.DailyTokens.Growth);
    }

    private static Row GrowthRow(string indicator, string source, long from, long to, Growth? metrics)
    {
        var mine = Recomputation.Multiple(to, from);
        var agrees = metrics is not null && metrics.FromValue == from && metrics.ToValue == to
            && mine?.BasisPoints == metrics.Multiple?.BasisPoints && mine?.Value == metrics.Multiple?.Value;
        return new Row(
            indicator,
            source,
            GrowthText(mine?.Value, from, to),
            metrics is null ? "missing" : GrowthText(metrics.Multiple?.Value, metrics.FromValue, metrics.ToValue),
            agrees);
    }

    private static IEnumerable<Row> ChineseShareRows(RecomputedFigures r, ChineseTrainingShare? metrics)
    {
        var source = $"loader plan (ScenarioGenerator, seed {r.Seed}): corpora exist only in metrics' inputs";
        var c = r.ChineseShare;
        yield return Exact("H7 models reported", source, c.ModelCount, metrics?.ModelCount, "models");
        yield return Exact("H7 models above 60 % Chinese", source, c.ModelsAboveThreshold, metrics?.ModelsAboveThreshold?.Value, "models");
        yield return new Row(
            "H7 maximum Chinese share",
            source,
            c.Maximum is { } max ? $"{max.Value} % ({c.MaximumModel})" : "none",
            metrics?.Maximum is { } theirs ? $"{theirs.Value} % ({metrics.MaximumModel})" : "none",
            c.Maximum?.BasisPoints == metrics?.Maximum?.BasisPoints && c.Maximum?.Value == metrics?.Maximum?.Value
                && c.MaximumModel == (metrics?.MaximumModel ?? string.Empty));
    }

    private static IEnumerable<Row> AnnotationBaseRows(RecomputedFigures r, AnnotationBases? metrics)
    {
        yield return Exact("H8 national annotation bases", "catalog ListAnnotationBases", r.CatalogBases.Count, metrics?.BaseCount?.Value, "bases");

        // Per base: the certified datasets found by listing them, the catalog's own count per base, and metrics'.
        var theirs = (metrics?.Bases ?? []).ToDictionary(b => b.Code, StringComparer.Ordinal);
        var codes = r.CatalogBases.Select(b => b.Code).Union(theirs.Keys).Order(StringComparer.Ordinal).ToList();
        var mismatches = new List<string>();
        long ourCount = 0, ourBytes = 0, theirCount = 0, theirBytes = 0;
        foreach (var code in codes)
        {
            var (count, bytes) = r.Certified.ByBase.GetValueOrDefault(code);
            var catalogCount = r.CatalogBases.FirstOrDefault(b => b.Code == code)?.CertifiedDatasetCount;
            var other = theirs.GetValueOrDefault(code);
            ourCount += count;
            ourBytes += bytes;
            theirCount += other?.DatasetCount ?? 0;
            theirBytes += other?.VolumeBytes ?? 0;
            if (other is null || catalogCount != count || other.DatasetCount != count || other.VolumeBytes != bytes)
            {
                mismatches.Add($"{code}: listed {count}/catalog {catalogCount?.ToString(CultureInfo.InvariantCulture) ?? "-"}/metrics {other?.DatasetCount.ToString(CultureInfo.InvariantCulture) ?? "-"}");
            }
        }

        yield return new Row(
            "H8 certified datasets at the bases",
            r.DatasetSource + " by annotation base, and ListAnnotationBases' certified counts",
            $"{N(ourCount, "datasets")}, {N(ourBytes, "bytes")}" + (mismatches.Count == 0 ? string.Empty : $" (differ: {string.Join("; ", mismatches)})"),
            $"{N(theirCount, "datasets")}, {N(theirBytes, "bytes")}",
            mismatches.Count == 0);
    }

    private static IEnumerable<Row> UpliftRows(RecomputedFigures r, EvaluationUplifts? metrics)
    {
        var (u, them) = (r.Uplift, metrics?.HealthcareImagingAnnotated);
        yield return Exact("H9 evaluations recorded", r.EvaluationSource, u.TotalEvaluations, metrics?.EvaluationCount, "evaluations");
        var source = r.EvaluationSource + ", of certified annotated healthcare imaging datasets";
        yield return Exact("H9 annotated medical imaging: evaluations", source, u.Evaluations, them?.EvaluationCount, "evaluations");
        yield return Exact("H9 annotated medical imaging: datasets evaluated", source, u.Datasets, them?.DatasetCount, "datasets");
        yield return Exact("H9 median uplift", source, u.MedianBp, them?.MedianUplift?.BasisPoints, "bp");
        yield return Exact("H9 10th percentile uplift", source, u.P10Bp, them?.P10Uplift?.BasisPoints, "bp");
        yield return Exact("H9 90th percentile uplift", source, u.P90Bp, them?.P90Uplift?.BasisPoints, "bp");
        var share = Recomputation.Share(u.DatasetsAboveThreshold, u.Datasets);
        yield return new Row("H9 datasets whose median uplift is above 15 %", source,
            string.Create(CultureInfo.InvariantCulture, $"{share.Value} % ({u.DatasetsAboveThreshold:N0} / {u.Datasets:N0})"),
            them?.DatasetsAboveThreshold is { } t ? $"{t.Value} %" : "missing",
            them?.DatasetsAboveThreshold is { } theirs && theirs.BasisPoints == share.BasisPoints && theirs.Value == share.Value);
    }

    private static string ShareText(string percent, long highQuality, long total) =>
        string.Create(CultureInfo.InvariantCulture, $"{percent} % ({highQuality:N0} / {total:N0} fen)");

    private static string GrowthText(string? multiple, long from, long to) =>
        string.Create(CultureInfo.InvariantCulture, $"{multiple ?? "-"}× ({from:N0} → {to:N0} tokens/day)");

    private static string N(long value, string unit) => string.Create(CultureInfo.InvariantCulture, $"{value:N0} {unit}");
}
