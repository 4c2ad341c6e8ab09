namespace Platform.ScenarioLoader.Plan;

/// <summary>
/// Generates the national scenario from a seed: the same seed gives the same plan, record for record, so loading it
/// twice sends the same request ids and stores nothing twice.
/// </summary>
public static class ScenarioGenerator
{
    private static readonly DateTimeOffset ListingsFrom = new(2023, 7, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset CorpusAsOf = new(2025, 6, 30, 0, 0, 0, TimeSpan.Zero);

    public static ScenarioPlan Generate(int seed, ScenarioTargets? targets = null)
    {
        var t = targets ?? new ScenarioTargets();
        var random = new Random(seed);
        var datasets = GenerateDatasets(random, t);
        var listings = GenerateListings(random, t, datasets);
        var trades = GenerateTrades(random, t, listings);
        var tokens = GenerateTokenUsage(random, t);
        var corpora = GenerateCorpora(random, t);
        // A generator of its own: adding evaluations left every other record of a seed as it was.
        var evaluations = GenerateEvaluations(new Random(unchecked(seed * 7919 + 9)), datasets);
        return new ScenarioPlan(seed, t.Scale, datasets, listings, trades, tokens, corpora, evaluations);
    }

    private static List<DatasetPlan> GenerateDatasets(Random random, ScenarioTargets t)
    {
        // Heavy-tailed sizes: log-normal weights scaled so the total is exact.
        var volumes = Draws.ScaleToTotal(Enumerable.Range(0, t.Datasets).Select(_ => Draws.LogNormal(random, 1.6)).ToArray(), t.TotalVolumeBytes);
        var datasets = new List<DatasetPlan>(t.Datasets);
        for (var i = 0; i < t.Datasets; i++)
        {
            var domain = Draws.Pick(random, ReferenceData.Domains);
            var modality = Draws.Pick(random, ReferenceData.Modalities);
            var province = Draws.Pick(random, ReferenceData.Provinces);
            var organisation = ReferenceData.Organisations[random.Next(ReferenceData.Organisations.Length)];
            var topic = ReferenceData.DomainTopics[domain];
            string? annotationBase = random.NextDouble() < 0.05
                ? ReferenceData.AnnotationBases[random.Next(ReferenceData.AnnotationBases.Length)].Code
                : null;
            var volume = volumes[i];
            datasets.Add(new DatasetPlan(
                i,
                $"{organisation}{topic.Zh}数据集-{i:D5}",
                $"{topic.En} dataset {i:D5}",
                $"{organisation}提供的{topic.Zh}高质量数据集（{province}）。High-quality {topic.En} data ({modality}) from {province}.",
                domain,
                modality,
                volume,
                Math.Clamp(volume / BytesPerRecord(modality), 1, Units.MaxRecordCount),
                modality == "text" ? Math.Min(volume / 3, Units.MaxTokens) : 0,
                LanguageShares(random, modality),
                annotationBase,
                province,
                organisation,
                topic.Keywords));
        }

        return datasets;
    }

    private static List<ListingPlan> GenerateListings(Random random, ScenarioTargets t, List<DatasetPlan> datasets)
    {
        // List mostly the large datasets (as exchanges do), skipping some at random, until the listed volume is reached.
        var listings = new List<ListingPlan>();
        long listed = 0;
        var skipped = new List<DatasetPlan>();
        foreach (var dataset in datasets.OrderByDescending(d => d.VolumeBytes).ThenBy(d => d.Index))
        {
            if (listed >= t.ListedVolumeBytes)
            {
                break;
            }

            if (random.NextDouble() < 0.3 || listed + dataset.VolumeBytes > t.ListedVolumeBytes)
            {
                skipped.Add(dataset);
                continue;
            }

            listed += dataset.VolumeBytes;
            listings.Add(HighQualityListing(random, listings.Count, dataset));
        }

        foreach (var dataset in skipped.OrderBy(d => d.VolumeBytes))
        {
            if (listed + dataset.VolumeBytes > t.ListedVolumeBytes)
            {
                break;
            }

            listed += dataset.VolumeBytes;
            listings.Add(HighQualityListing(random, listings.Count, dataset));
        }

        for (var i = 0; i < t.OtherProducts; i++)
        {
            // Every exchange gets other products; Beijing most of them (its 2024 trade was 90 % other products).
            var exchange = i < ReferenceData.Exchanges.Length
                ? ReferenceData.Exchanges[i].Code
                : random.NextDouble() < 0.4 ? "BJ" : Draws.Pick(random, ReferenceData.Exchanges);
            var kind = (i % 3) switch { 0 => "API", 1 => "报告", _ => "数据产品" };
            listings.Add(new ListingPlan(
                listings.Count,
                exchange,
                null,
                $"{ReferenceData.Organisations[i % ReferenceData.Organisations.Length]}{kind}-{i:D4}",
                (long)(Draws.LogNormal(random, 1.0) * 200 * 1_000_000_000L) + 1,
                (10_000 + random.Next(990_000)) * Units.FenPerYuan,
                Draws.Time(random, ListingsFrom, ListingsFrom.AddMonths(6))));
        }

        return listings;
    }

    private static ListingPlan HighQualityListing(Random random, int index, DatasetPlan dataset) => new(
        index,
        Draws.Pick(random, ReferenceData.Exchanges),
        dataset.Index,
        dataset.Name,
        dataset.VolumeBytes,
        (50_000 + random.Next(5_000_000)) * Units.FenPerYuan,
        Draws.Time(random, ListingsFrom, ListingsFrom.AddMonths(6)));

    private static List<TradePlan> GenerateTrades(Random random, ScenarioTargets t, List<ListingPlan> listings)
    {
        var others = ReferenceData.Exchanges.Where(e => e.Code != "BJ").ToArray();
        var buckets = new List<(string Exchange, int Year, bool HighQuality, long Amount)>();
        foreach (var (year, highQuality, beijingHighQuality, beijingShare) in new[]
                 {
                     (2024, t.HighQualityAmount2024Fen, t.BeijingHighQuality2024Fen, t.BeijingShare2024BasisPoints),
                     (2025, t.HighQualityAmount2025Fen, t.BeijingHighQuality2025Fen, t.BeijingShare2025BasisPoints),
                 })
        {
            buckets.Add(("BJ", year, true, beijingHighQuality));
            buckets.Add(("BJ", year, false, beijingHighQuality * (10_000 - beijingShare) / beijingShare));
            var rest = Draws.ScaleToTotal(others.Select(e => e.Weight).ToArray(), highQuality - beijingHighQuality);
            for (var i = 0; i < others.Length; i++)
            {
                buckets.Add((others[i].Code, year, true, rest[i]));
                buckets.Add((others[i].Code, year, false, rest[i] * 3 / 10));
            }
        }

        var hqTotal = buckets.Where(b => b.HighQuality).Sum(b => (double)b.Amount);
        var otherTotal = buckets.Where(b => !b.HighQuality).Sum(b => (double)b.Amount);
        var trades = new List<TradePlan>();
        foreach (var bucket in buckets)
        {
            var share = bucket.Amount / (bucket.HighQuality ? hqTotal : otherTotal);
            var count = Math.Max(5, (int)Math.Round(share * (bucket.HighQuality ? t.HighQualityTrades : t.OtherTrades)));
            var candidates = listings.Where(l => l.Exchange == bucket.Exchange && (l.DatasetIndex is not null) == bucket.HighQuality).ToArray();
            var amounts = Draws.ScaleToTotal(Enumerable.Range(0, count).Select(_ => Draws.LogNormal(random, 1.0)).ToArray(), bucket.Amount);
            var equity = bucket.HighQuality && ReferenceData.PilotExchanges.Contains(bucket.Exchange)
                ? t.EquityContributionsPerPilotExchange / 2
                : 0;
            var (from, to) = bucket.Year == 2024
                ? (new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2024, 12, 20, 0, 0, 0, TimeSpan.Zero))
                : (new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 6, 20, 0, 0, 0, TimeSpan.Zero));
            for (var i = 0; i < count; i++)
            {
                var listing = candidates[random.Next(candidates.Length)];
                var kind = i < equity ? TradeKind.EquityContribution : random.NextDouble() < 0.25 ? TradeKind.Subscription : TradeKind.Purchase;
                var placed = Draws.Time(random, from, to);
                trades.Add(new TradePlan(
                    trades.Count,
                    listing.Index,
                    bucket.Exchange,
                    bucket.HighQuality,
                    kind,
                    amounts[i],
                    placed,
                    placed.AddDays(1 + random.Next(10)).AddHours(random.Next(8)),
                    kind == TradeKind.EquityContribution ? $"{ReferenceData.Organisations[random.Next(ReferenceData.Organisations.Length)]}数据科技有限公司" : null,
                    kind == TradeKind.EquityContribution ? 100 + random.Next(1_900) : 0));
            }
        }

        return trades;
    }

    private static List<TokenUsagePlan> GenerateTokenUsage(Random random, ScenarioTargets t)
    {
        // At scale N each named model reports beside N − 1 deployments of it ("-r1", …), the day's total N times.
        var named = ReferenceData.ModelProviders.SelectMany(p => p.Models.Select(m => (p.Provider, Model: m))).ToArray();
        var models = named.Concat(Enumerable.Range(1, t.Scale - 1).SelectMany(r => named.Select(m => (m.Provider, Model: $"{m.Model}-r{r}")))).ToArray();
        var weights = models.Select(_ => 0.5 + random.NextDouble()).ToArray();
        var growth = models.Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var days = t.TokenLastDay.DayNumber - t.TokenFirstDay.DayNumber;
        var rate = Math.Log((double)t.TokensLastDay / t.TokensFirstDay) / days;
        var usage = new List<TokenUsagePlan>((days + 1) * models.Length);
        for (var d = 0; d <= days; d++)
        {
            // Exponential growth with day-to-day noise; the first and last days are exact.
            var noise = d == 0 || d == days ? 1.0 : 1 + (random.NextDouble() - 0.5) * 0.08;
            var total = d == 0 ? t.TokensFirstDay : d == days ? t.TokensLastDay : (long)(t.TokensFirstDay * Math.Exp(rate * d) * noise);
            var progress = (double)d / days;
            var split = Draws.ScaleToTotal(weights.Select((w, m) => w * Math.Exp(growth[m] * progress)).ToArray(), total);
            var day = t.TokenFirstDay.AddDays(d);
            for (var m = 0; m < models.Length; m++)
            {
                usage.Add(new TokenUsagePlan(models[m].Provider, models[m].Model, day, split[m]));
            }
        }

        return usage;
    }

    /// <summary>The models the scenario's evaluators score (accuracy on a held-out test set).</summary>
    public static readonly string[] EvaluatedModels = ["radiology-vit-l", "med-qwen2.5-7b", "chexnet-v3", "general-vlm-13b"];

    /// <summary>
    /// H9, calibrated: every healthcare imaging dataset is evaluated two or three times, and one in fifty of the
    /// others once or twice. A dataset's uplift is drawn around its group's level, each evaluation around that: the
    /// annotated healthcare imaging datasets around +20 % (so their median is above 15 %, as the article says, with a
    /// spread), the unannotated ones around +7 %, other annotated datasets +12 %, the rest +6 %.
    /// </summary>
    private static List<EvaluationPlan> GenerateEvaluations(Random random, List<DatasetPlan> datasets)
    {
        var evaluations = new List<EvaluationPlan>();
        var from = new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var d in datasets)
        {
            var imaging = d is { Domain: "healthcare", Modality: "image" };
            var annotated = d.AnnotationBase is not null;
            if (!imaging && random.NextDouble() >= 0.02)
            {
                continue;
            }

            var (level, spread) = (imaging, annotated) switch
            {
                (true, true) => (0.20, 0.04),
                (true, false) => (0.07, 0.03),
                (false, true) => (0.12, 0.05),
                _ => (0.06, 0.04),
            };
            var datasetUplift = level + spread * Draws.Normal(random);
            var count = imaging ? 2 + random.Next(2) : 1 + random.Next(2);
            for (var k = 0; k < count; k++)
            {
                var uplift = datasetUplift + 0.02 * Draws.Normal(random);
                var without = Math.Round(0.55 + 0.2 * random.NextDouble(), 4);
                var with = Math.Round(Math.Clamp(without * (1 + uplift), 0.0001, 0.9999), 4);
                evaluations.Add(new EvaluationPlan(evaluations.Count, d.Index, EvaluatedModels[random.Next(EvaluatedModels.Length)],
                    without, with, Draws.Time(random, from, CorpusAsOf)));
            }
        }

        return evaluations;
    }

    private static List<CorpusPlan> GenerateCorpora(Random random, ScenarioTargets t)
    {
        var named = ReferenceData.ModelProviders.SelectMany(p => p.Models.Select(m => (p.Provider, Model: m))).ToList();
        for (var i = named.Count; i < t.Models; i++)
        {
            var provider = ReferenceData.ModelProviders[i % ReferenceData.ModelProviders.Length].Provider;
            named.Add((provider, $"{provider}-domain-{i:D2}"));
        }

        var corpora = new List<CorpusPlan>(t.Models);
        for (var i = 0; i < t.Models; i++)
        {
            // One model at the maximum, a few at or below 60 %, the rest between.
            var share = i == 0
                ? t.MaxChineseShareBasisPoints
                : i <= t.ModelsAtOrBelowSixtyPercent
                    ? 4_500 + random.Next(1_501)
                    : 6_001 + random.Next(t.MaxChineseShareBasisPoints - 6_001);
            var total = (500 + random.Next(19_500)) * Units.Billion; // 0.5–20 trillion tokens, a multiple of 10,000
            corpora.Add(new CorpusPlan(named[i].Model, named[i].Provider, total, total / 10_000 * share, CorpusAsOf));
        }

        return corpora;
    }

    private static IReadOnlyList<LanguageSharePlan> LanguageShares(Random random, string modality)
    {
        if (modality is not ("text" or "multimodal" or "audio" or "video"))
        {
            return [];
        }

        var zh = 6_000 + random.Next(4_001);
        return zh == 10_000 ? [new("zh", 10_000)] : [new("zh", zh), new("en", 10_000 - zh)];
    }

    private static long BytesPerRecord(string modality) => modality switch
    {
        "text" => 2_000,
        "image" => 2_000_000,
        "video" => 200_000_000,
        "audio" => 5_000_000,
        "multimodal" => 1_000_000,
        "tabular" => 200,
        "time_series" => 100,
        _ => 10_000_000,
    };
}
