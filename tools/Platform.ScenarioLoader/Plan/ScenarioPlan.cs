namespace Platform.ScenarioLoader.Plan;

public sealed record LanguageSharePlan(string Code, int BasisPoints);

public sealed record DatasetPlan(
    int Index,
    string Name,
    string NameEn,
    string Description,
    string Domain,
    string Modality,
    long VolumeBytes,
    long RecordCount,
    long TokenCount,
    IReadOnlyList<LanguageSharePlan> LanguageShares,
    string? AnnotationBase,
    string Province,
    string Organisation,
    IReadOnlyList<string> Keywords);

/// <summary>A listing: of a high-quality dataset (<see cref="DatasetIndex"/> set) or of another data product.</summary>
public sealed record ListingPlan(
    int Index,
    string Exchange,
    int? DatasetIndex,
    string ProductName,
    long VolumeBytes,
    long PriceFen,
    DateTimeOffset ListedAt);

public enum TradeKind
{
    Purchase,
    Subscription,
    EquityContribution,
}

public sealed record TradePlan(
    int Index,
    int ListingIndex,
    string Exchange,
    bool HighQuality,
    TradeKind Kind,
    long AmountFen,
    DateTimeOffset PlacedAt,
    DateTimeOffset SettledAt,
    string? ReceivingCompany,
    int EquityShareBasisPoints);

public sealed record TokenUsagePlan(string Provider, string Model, DateOnly Day, long Tokens);

public sealed record CorpusPlan(string Model, string Provider, long TotalTokens, long ChineseTokens, DateTimeOffset AsOf);

/// <summary>An evaluation of a certified dataset: a model's accuracy without and with it (catalog RecordEvaluation).</summary>
public sealed record EvaluationPlan(int Index, int DatasetIndex, string Model, double ScoreWithout, double ScoreWith, DateTimeOffset EvaluatedAt);

/// <summary>The whole national picture, generated deterministically from a seed by <see cref="ScenarioGenerator"/>.</summary>
public sealed record ScenarioPlan(
    int Seed,
    int Scale,
    IReadOnlyList<DatasetPlan> Datasets,
    IReadOnlyList<ListingPlan> Listings,
    IReadOnlyList<TradePlan> Trades,
    IReadOnlyList<TokenUsagePlan> TokenUsage,
    IReadOnlyList<CorpusPlan> Corpora,
    IReadOnlyList<EvaluationPlan> Evaluations)
{
    /// <summary>
    /// What every request id of this plan starts with: the seed, and the scale when it is not 1 (another scale's records
    /// are other records, never answers stored for this one's).
    /// </summary>
    public string RequestPrefix => Scale == 1 ? $"scenario-{Seed}" : $"scenario-{Seed}x{Scale}";
}
