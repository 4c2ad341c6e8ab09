namespace Platform.ScenarioLoader.Plan;

/// <summary>
/// What the generated scenario is calibrated to (FACTS.md, "as of end of June 2025"). These shape the generated
/// records only; the metrics service computes every indicator from the records it receives.
/// </summary>
public sealed record ScenarioTargets
{
    /// <summary>The largest scale the loader takes: ten times the nation (≈ 352,000 datasets, 4.1 EB).</summary>
    public const int MaxScale = 10;

    /// <summary>How many times the nation this is: 1 is the article's; <see cref="Scaled"/> makes the others.</summary>
    public int Scale { get; init; } = 1;

    public int Datasets { get; init; } = 35_200;
    public long TotalVolumeBytes { get; init; } = 410 * Units.Petabyte;
    public long ListedVolumeBytes { get; init; } = 246 * Units.Petabyte;
    public int OtherProducts { get; init; } = 240;

    /// <summary>High-quality trade amount settled in 2024 and in the first half of 2025 (together ≈ 4.0 bn CNY).</summary>
    public long HighQualityAmount2024Fen { get; init; } = 18 * Units.HundredMillionYuanInFen;
    public long HighQualityAmount2025Fen { get; init; } = 22 * Units.HundredMillionYuanInFen;

    /// <summary>Beijing's high-quality amounts and its high-quality share of its own trade amount (10 % → 80 %).</summary>
    public long BeijingHighQuality2024Fen { get; init; } = (long)(1.5 * Units.HundredMillionYuanInFen);
    public int BeijingShare2024BasisPoints { get; init; } = 1_000;
    public long BeijingHighQuality2025Fen { get; init; } = 6 * Units.HundredMillionYuanInFen;
    public int BeijingShare2025BasisPoints { get; init; } = 8_000;

    public int HighQualityTrades { get; init; } = 1_400;
    public int OtherTrades { get; init; } = 300;
    public int EquityContributionsPerPilotExchange { get; init; } = 8;

    public DateOnly TokenFirstDay { get; init; } = new(2024, 1, 1);
    public DateOnly TokenLastDay { get; init; } = new(2025, 6, 30);
    public long TokensFirstDay { get; init; } = 100 * Units.Billion;
    public long TokensLastDay { get; init; } = 30_500 * Units.Billion;

    public int Models { get; init; } = 36;
    public int ModelsAtOrBelowSixtyPercent { get; init; } = 5;
    public int MaxChineseShareBasisPoints { get; init; } = 8_000;

    /// <summary>
    /// <paramref name="scale"/> times the nation with the article's ratios kept: counts, volumes, amounts, trades,
    /// equity contributions, daily tokens (spread over as many times the models) and corpora all multiplied, so every
    /// share (listed of total, high-quality of traded, Beijing's share, Chinese share, growth over the period) is as at ×1.
    /// </summary>
    public static ScenarioTargets Scaled(int scale)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scale, MaxScale);
        var t = new ScenarioTargets();
        return t with
        {
            Scale = scale,
            Datasets = t.Datasets * scale,
            TotalVolumeBytes = t.TotalVolumeBytes * scale,
            ListedVolumeBytes = t.ListedVolumeBytes * scale,
            OtherProducts = t.OtherProducts * scale,
            HighQualityAmount2024Fen = t.HighQualityAmount2024Fen * scale,
            HighQualityAmount2025Fen = t.HighQualityAmount2025Fen * scale,
            BeijingHighQuality2024Fen = t.BeijingHighQuality2024Fen * scale,
            BeijingHighQuality2025Fen = t.BeijingHighQuality2025Fen * scale,
            HighQualityTrades = t.HighQualityTrades * scale,
            OtherTrades = t.OtherTrades * scale,
            EquityContributionsPerPilotExchange = t.EquityContributionsPerPilotExchange * scale,
            TokensFirstDay = t.TokensFirstDay * scale,
            TokensLastDay = t.TokensLastDay * scale,
            Models = t.Models * scale,
            ModelsAtOrBelowSixtyPercent = t.ModelsAtOrBelowSixtyPercent * scale,
        };
    }
}
