using Platform.ScenarioLoader.Plan;

namespace Platform.ScenarioLoader.UnitTests;

public sealed class ScenarioGeneratorTests
{
    private static readonly ScenarioPlan Plan = ScenarioGenerator.Generate(42);

    [Fact]
    public void SameSeedGivesTheSamePlan()
    {
        var again = ScenarioGenerator.Generate(42);

        Assert.Equal(Plan.Datasets.Select(d => (d.Name, d.VolumeBytes)), again.Datasets.Select(d => (d.Name, d.VolumeBytes)));
        Assert.Equal(Plan.Trades.Select(t => (t.ListingIndex, t.AmountFen, t.SettledAt)), again.Trades.Select(t => (t.ListingIndex, t.AmountFen, t.SettledAt)));
        Assert.NotEqual(Plan.Datasets.Select(d => d.VolumeBytes), ScenarioGenerator.Generate(7).Datasets.Select(d => d.VolumeBytes));
    }

    [Fact]
    public void AnnotatedMedicalImagingLiftsAccuracyByMoreThanFifteenPercentWithASpreadAndUnannotatedClearlyLess()
    {
        // The relative uplift of each planned evaluation, as catalog computes it, by group.
        double[] Uplifts(Func<DatasetPlan, bool> group) => Plan.Evaluations
            .Where(e => group(Plan.Datasets[e.DatasetIndex]))
            .Select(e => (e.ScoreWith - e.ScoreWithout) / e.ScoreWithout).Order().ToArray();
        static double Median(double[] sorted) => (sorted[(sorted.Length - 1) / 2] + sorted[sorted.Length / 2]) / 2;
        var annotated = Uplifts(d => d is { Domain: "healthcare", Modality: "image", AnnotationBase: not null });
        var unannotated = Uplifts(d => d is { Domain: "healthcare", Modality: "image", AnnotationBase: null });

        Assert.True(annotated.Length >= 50, $"{annotated.Length} evaluations of annotated healthcare imaging");
        Assert.InRange(Median(annotated), 0.16, 0.25);
        Assert.InRange(Median(unannotated), 0.03, 0.10);
        // A spread, not a constant: the 10th and 90th percentiles are far apart.
        Assert.True(annotated[^(annotated.Length / 10)] - annotated[annotated.Length / 10] > 0.05);
        Assert.All(Plan.Evaluations, e => Assert.InRange(e.ScoreWithout, 0.55, 0.75));
        Assert.All(Plan.Evaluations, e => Assert.InRange(e.ScoreWith, 0.0001, 0.9999));
    }

    [Fact]
    public void DatasetsAreMoreThan35000TotallingMoreThan400Petabytes()
    {
        Assert.True(Plan.Datasets.Count > 35_000);
        Assert.True(Plan.Datasets.Sum(d => d.VolumeBytes) > 400 * Units.Petabyte);
    }

    [Fact]
    public void DatasetSizesAreHeavyTailed()
    {
        var sorted = Plan.Datasets.Select(d => d.VolumeBytes).Order().ToArray();
        var top1Percent = sorted[^(sorted.Length / 100)..].Sum();

        // The largest 1 % hold far more than 1 % of the bytes, and the median is well below the mean.
        Assert.True(top1Percent > sorted.Sum() / 10);
        Assert.True(sorted[sorted.Length / 2] < sorted.Average() / 2);
    }

    [Fact]
    public void DatasetsSpreadOverDomainsModalitiesProvincesAndAllSevenBases()
    {
        Assert.Equal(11, Plan.Datasets.Select(d => d.Domain).Distinct().Count());
        Assert.Equal(8, Plan.Datasets.Select(d => d.Modality).Distinct().Count());
        Assert.True(Plan.Datasets.Select(d => d.Province).Distinct().Count() >= 15);
        Assert.Equal(7, Plan.Datasets.Where(d => d.AnnotationBase is not null).Select(d => d.AnnotationBase).Distinct().Count());
    }

    [Fact]
    public void LanguageSharesWhenGivenSumTo10000()
    {
        Assert.All(Plan.Datasets.Where(d => d.LanguageShares.Count > 0), d => Assert.Equal(10_000, d.LanguageShares.Sum(s => s.BasisPoints)));
    }

    [Fact]
    public void ListedHighQualityVolumeIsAbout246Petabytes()
    {
        var listed = Plan.Listings.Where(l => l.DatasetIndex is not null).Sum(l => l.VolumeBytes);

        Assert.InRange(listed, 246 * Units.Petabyte / 100 * 95, 246 * Units.Petabyte / 100 * 105);
        Assert.Equal(Plan.Listings.Count(l => l.DatasetIndex is not null), Plan.Listings.Where(l => l.DatasetIndex is not null).Select(l => l.DatasetIndex).Distinct().Count());
        Assert.Contains(Plan.Listings, l => l.DatasetIndex is null);
    }

    [Fact]
    public void HighQualityTradeAmountIsAboutFourBillionYuan()
    {
        var amount = Plan.Trades.Where(t => t.HighQuality).Sum(t => t.AmountFen);
        var target = 40 * Units.HundredMillionYuanInFen;

        Assert.InRange(amount, target * 95 / 100, target * 105 / 100);
        Assert.All(Plan.Trades, t => Assert.True(t.AmountFen > 0));
    }

    [Theory]
    [InlineData(2024, 1_000)]
    [InlineData(2025, 8_000)]
    public void BeijingsHighQualityShareMatchesTheArticle(int year, int basisPoints)
    {
        var beijing = Plan.Trades.Where(t => t.Exchange == "BJ" && t.SettledAt.Year == year).ToList();
        var share = beijing.Where(t => t.HighQuality).Sum(t => t.AmountFen) * 10_000.0 / beijing.Sum(t => t.AmountFen);

        Assert.InRange(share, basisPoints * 0.95, basisPoints * 1.05);
    }

    [Fact]
    public void TradesSettleWithinTheirYearAndBeforeJuly2025AfterTheirListing()
    {
        Assert.All(Plan.Trades, t =>
        {
            Assert.Equal(t.PlacedAt.Year, t.SettledAt.Year);
            Assert.True(t.SettledAt < new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero));
            Assert.True(Plan.Listings[t.ListingIndex].ListedAt < t.PlacedAt);
            Assert.Equal(Plan.Listings[t.ListingIndex].Exchange, t.Exchange);
        });
    }

    [Fact]
    public void EquityContributionsOnlyOnPilotExchanges()
    {
        var equity = Plan.Trades.Where(t => t.Kind == TradeKind.EquityContribution).ToList();

        Assert.NotEmpty(equity);
        Assert.All(equity, t => Assert.Contains(t.Exchange, new[] { "SH", "TJ", "AH" }));
        Assert.All(equity, t => Assert.True(t.HighQuality && t.ReceivingCompany is not null && t.EquityShareBasisPoints > 0));
    }

    [Fact]
    public void DailyTokensGrowFrom100BillionToAtLeast30TrillionOver300Fold()
    {
        long Day(DateOnly day) => Plan.TokenUsage.Where(u => u.Day == day).Sum(u => u.Tokens);
        var first = Day(new DateOnly(2024, 1, 1));
        var last = Day(new DateOnly(2025, 6, 30));

        Assert.InRange(first, 95 * Units.Billion, 105 * Units.Billion);
        Assert.True(last >= 30 * Units.Trillion);
        Assert.True(last / first >= 300);
        Assert.Equal(547, Plan.TokenUsage.Select(u => u.Day).Distinct().Count());
    }

    [Fact]
    public void MostModelsTrainOnMoreThan60PercentChineseAndTheMaximumIs80()
    {
        var shares = Plan.Corpora.Select(c => (double)c.ChineseTokens / c.TotalTokens).ToList();

        Assert.True(Plan.Corpora.Count >= 24);
        Assert.True(shares.Count(s => s > 0.6) > shares.Count / 2);
        Assert.Equal(0.8, shares.Max(), 6);
    }

    [Fact]
    public void ScaleToTotalIsExactAndProportional()
    {
        var parts = Draws.ScaleToTotal([1, 2, 3.5], 1_000_003);

        Assert.Equal(1_000_003, parts.Sum());
        Assert.InRange(parts[1] - 2 * parts[0], -2, 2);
    }
}
