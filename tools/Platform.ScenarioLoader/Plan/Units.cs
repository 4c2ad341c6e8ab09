namespace Platform.ScenarioLoader.Plan;

/// <summary>Decimal units as the article uses them (1 PB = 10^15 bytes; amounts in fen, 1 CNY = 100 fen).</summary>
public static class Units
{
    public const long Terabyte = 1_000_000_000_000L;
    public const long Petabyte = 1_000 * Terabyte;
    public const long FenPerYuan = 100;
    public const long HundredMillionYuanInFen = 100_000_000 * FenPerYuan; // 亿元
    public const long Billion = 1_000_000_000L;
    public const long Trillion = 1_000 * Billion;

    /// <summary>The services' bounds on a dataset's tokens and records (Quantities): the largest datasets at ×10 reach them.</summary>
    public const long MaxTokens = 1_000_000_000_000_000;
    public const long MaxRecordCount = 1_000_000_000_000_000;
}
