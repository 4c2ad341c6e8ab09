using System.Globalization;
using Platform.Metrics.V1;
using Platform.ScenarioLoader.Plan;

namespace Platform.ScenarioLoader.Loading;

/// <summary>The headline indicators as read back from the metrics service, beside the article's figures.</summary>
public static class HeadlineTable
{
    public sealed record Row(string Indicator, string Article, string Platform, bool Agrees);

    public static async Task<IReadOnlyList<Row>> ReadAsync(MetricsService.MetricsServiceClient metrics, CancellationToken ct)
    {
        var h = await metrics.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest(), cancellationToken: ct);
        var tokens = await metrics.GetIndicatorSeriesAsync(new GetIndicatorSeriesRequest
        {
            Indicator = Indicator.H6DailyTokens,
            FromDay = "2024-01-01",
            ToDay = "2025-06-30",
            Granularity = Granularity.Day,
        }, cancellationToken: ct);

        var petabytes = h.H2CertifiedVolume.Total.Value / (double)Units.Petabyte;
        var listed = h.H4ListedVolume.Value / (double)Units.Petabyte;
        var amount = h.H3HighQualityTradeAmount.Value / (double)(Units.FenPerYuan * Units.Billion);
        double? BeijingShare(int year) => h.H5ExchangeShares.Shares
            .FirstOrDefault(s => s.ExchangeCode == "BJ" && s.Year == year)?.Share.BasisPoints / 100.0;
        var bj2024 = BeijingShare(2024);
        var bj2025 = BeijingShare(2025);
        var first = tokens.Points.FirstOrDefault()?.Value ?? 0;
        var last = tokens.Points.LastOrDefault()?.Value ?? 0;
        var multiple = first == 0 ? 0 : (double)last / first;
        var h7 = h.H7ChineseTrainingShare;
        var max = h7.Maximum?.BasisPoints / 100.0 ?? 0;
        var h9 = h.H9EvaluationUplift?.HealthcareImagingAnnotated;

        return
        [
            new("H1 certified high-quality datasets", "> 35,000", h.H1CertifiedDatasets.Value.ToString("N0", CultureInfo.InvariantCulture), h.H1CertifiedDatasets.Value > 35_000),
            new("H2 their total volume", "> 400 PB", F($"{petabytes:0.0} PB"), petabytes > 400),
            new("H3 high-quality trade amount", "≈ 4.0 bn CNY", F($"{amount:0.000} bn CNY"), Within(amount, 4.0)),
            new("H4 high-quality volume listed", "246 PB", F($"{listed:0.0} PB"), Within(listed, 246)),
            new("H5 Beijing high-quality share", "10 % (2024) → ≈ 80 % (2025)", F($"{bj2024:0.0} % → {bj2025:0.0} %"),
                bj2024 is { } a && bj2025 is { } b && Within(a, 10) && Within(b, 80)),
            new("H6 daily tokens", "100 bn (Jan 2024) → > 30 tn (Jun 2025), > 300×",
                F($"{first / 1e9:0} bn ({tokens.Points.FirstOrDefault()?.PeriodStart}) → {last / 1e12:0.00} tn ({tokens.Points.LastOrDefault()?.PeriodStart}), {multiple:0}×"),
                Within(first / 1e9, 100) && last > 30 * Units.Trillion && multiple >= 300),
            new("H7 Chinese share of training data", "most > 60 %, some reach 80 %",
                F($"{h7.ModelsAboveThreshold.Value} of {h7.ModelCount} models > 60 %, max {max:0.0} % ({h7.MaximumModel})"),
                h7.ModelsAboveThreshold.Value * 2 > h7.ModelCount && Within(max, 80)),
            new("H8 national annotation bases", "7", h.H8AnnotationBases.BaseCount.Value.ToString(CultureInfo.InvariantCulture), h.H8AnnotationBases.BaseCount.Value == 7),
            new("H9 annotated medical imaging: model accuracy uplift", "> 15 %",
                h9 is null ? "no evaluation" : F($"median +{h9.MedianUplift.Value} % (10th–90th percentile {h9.P10Uplift.Value}–{h9.P90Uplift.Value} %), {h9.EvaluationCount:N0} evaluations of {h9.DatasetCount:N0} datasets"),
                h9 is not null && h9.MedianUplift.BasisPoints > 1_500),
        ];
    }

    public static string Format(IReadOnlyList<Row> rows) => MarkdownTable.Format(
        ["indicator", "article (FACTS.md)", "platform (read back from metrics)", "agrees"],
        rows.Select(r => new[] { r.Indicator, r.Article, r.Platform, MarkdownTable.YesNo(r.Agrees) }));

    /// <summary>"≈" in the scenario means within ±5 %.</summary>
    private static bool Within(double value, double target) => Math.Abs(value - target) <= target * 0.05;

    private static string F(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
