using Google.Protobuf.WellKnownTypes;
using Platform.Catalog.V1;
using Platform.Metrics.V1;
using Platform.ScenarioLoader.Plan;
using Platform.ScenarioLoader.Verify;
using Platform.Trading.V1;
using CatalogBase = Platform.Catalog.V1.AnnotationBase;
using MetricsBase = Platform.Metrics.V1.AnnotationBase;

namespace Platform.ScenarioLoader.UnitTests;

public sealed class VerificationTests
{
    [Fact]
    public async Task PagingReadsEveryPageAndPassesEachNextToken()
    {
        var pages = new Dictionary<string, Page<int>>
        {
            [""] = new([1, 2], "b"),
            ["b"] = new([3, 4], "c"),
            ["c"] = new([5], ""),
        };
        var asked = new List<string>();

        var items = await Paging.ReadAllAsync<int>((token, _) =>
        {
            asked.Add(token);
            return Task.FromResult(pages[token]);
        }, CancellationToken.None);

        Assert.Equal([1, 2, 3, 4, 5], items);
        Assert.Equal(["", "b", "c"], asked);
    }

    [Fact]
    public async Task PagingRejectsAPageTokenSeenBefore()
    {
        var pages = new Dictionary<string, Page<int>> { [""] = new([1], "b"), ["b"] = new([2], "c"), ["c"] = new([3], "b") };

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Paging.ReadAllAsync<int>((token, _) => Task.FromResult(pages[token]), CancellationToken.None));
    }

    [Fact]
    public async Task PartitionsAreEachReadToTheEndAndKeepTheirOrder()
    {
        // Partition "a" has three pages, "b" one, "c" none: all are read, concatenated in partition order.
        var pages = new Dictionary<(string, string), Page<string>>
        {
            [("a", "")] = new(["a1"], "a-2"),
            [("a", "a-2")] = new(["a2"], "a-3"),
            [("a", "a-3")] = new(["a3"], ""),
            [("b", "")] = new(["b1", "b2"], ""),
            [("c", "")] = new([], ""),
        };

        var items = await Paging.ReadPartitionsAsync<string, string>(["a", "b", "c"], 2, async (p, token, _) =>
        {
            await Task.Yield();
            return pages[(p, token)];
        }, CancellationToken.None);

        Assert.Equal(["a1", "a2", "a3", "b1", "b2"], items);
    }

    [Fact]
    public void CertifiedCountsOnlyCertifiedDatasetsAndTheirBytesPerBase()
    {
        var figures = Recomputation.Certified(
        [
            Dataset(CertificationStatus.Certified, 100, "chengdu"),
            Dataset(CertificationStatus.Certified, 50, "chengdu"),
            Dataset(CertificationStatus.Certified, 7, null),
            Dataset(CertificationStatus.Retired, 1_000, "chengdu"),
            Dataset(CertificationStatus.PublicNotice, 2_000, "hefei"),
        ]);

        Assert.Equal(3, figures.Count);
        Assert.Equal(157, figures.VolumeBytes);
        Assert.Equal((2L, 150L), figures.ByBase["chengdu"]);
        Assert.Equal((1L, 7L), figures.ByBase[""]);
        Assert.False(figures.ByBase.ContainsKey("hefei"));
    }

    [Fact]
    public void ListedVolumeLeavesOutDelistedListingsAndOtherProducts()
    {
        var bytes = Recomputation.ListedHighQualityVolume(
        [
            Listing(ProductKind.HighQualityDataset, ListingStatus.Active, 300),
            Listing(ProductKind.HighQualityDataset, ListingStatus.Active, 200),
            Listing(ProductKind.HighQualityDataset, ListingStatus.Delisted, 10_000),
            Listing(ProductKind.Other, ListingStatus.Active, 40_000),
        ]);

        Assert.Equal(500, bytes);
    }

    [Fact]
    public void HighQualityAmountCountsSettledTradesOnlyEquityContributionsIncluded()
    {
        var amount = Recomputation.HighQualityTradeAmount(
        [
            Trade("BJ", ProductKind.HighQualityDataset, TradeStatus.Settled, 1_000, Settled(2024, 5, 1)),
            Trade("SH", ProductKind.HighQualityDataset, TradeStatus.Settled, 2_000, Settled(2025, 2, 1), TradeType.EquityContribution),
            Trade("BJ", ProductKind.HighQualityDataset, TradeStatus.Cancelled, 50_000, null),
            Trade("BJ", ProductKind.HighQualityDataset, TradeStatus.Delivered, 70_000, null),
            Trade("BJ", ProductKind.Other, TradeStatus.Settled, 9_000, Settled(2024, 5, 1)),
        ]);

        Assert.Equal(3_000, amount);
    }

    [Fact]
    public void ExchangeYearsUseTheSettlementYearInChinaStandardTimeAndOnlySettledTrades()
    {
        // 2024-12-31 17:00 UTC is 2025-01-01 01:00 in Beijing: it counts in 2025.
        var years = Recomputation.ExchangeYears(
        [
            Trade("BJ", ProductKind.HighQualityDataset, TradeStatus.Settled, 100, Settled(2024, 6, 1)),
            Trade("BJ", ProductKind.Other, TradeStatus.Settled, 900, Settled(2024, 7, 1)),
            Trade("BJ", ProductKind.HighQualityDataset, TradeStatus.Settled, 800, new DateTimeOffset(2024, 12, 31, 17, 0, 0, TimeSpan.Zero)),
            Trade("BJ", ProductKind.Other, TradeStatus.Settled, 200, Settled(2025, 3, 1)),
            Trade("BJ", ProductKind.Other, TradeStatus.Cancelled, 1_000_000, null),
            Trade("SH", ProductKind.HighQualityDataset, TradeStatus.Settled, 5, Settled(2025, 3, 1)),
        ]);

        Assert.Equal(
            [
                new ExchangeYear("BJ", 2024, 100, 1_000, 2, 1),
                new ExchangeYear("BJ", 2025, 800, 1_000, 2, 1),
                new ExchangeYear("SH", 2025, 5, 5, 1, 1),
            ],
            years);
        Assert.Equal(new ShareValue(1_000, "10.00"), years[0].Share);
        Assert.Equal(new ShareValue(8_000, "80.00"), years[1].Share);
    }

    [Theory]
    [InlineData(1, 3, 3_333, "33.33")]
    [InlineData(2, 3, 6_667, "66.67")]
    [InlineData(1, 20_000, 1, "0.01")] // half a basis point rounds up
    [InlineData(0, 0, 0, "0.00")] // nothing traded
    public void ShareRoundsHalfUpToBasisPoints(long numerator, long denominator, long basisPoints, string value)
    {
        Assert.Equal(new ShareValue(basisPoints, value), Recomputation.Share(numerator, denominator));
    }

    [Fact]
    public void MultipleRoundsBasisPointsAndHundredthsSeparately()
    {
        Assert.Equal(new ShareValue(3_050_000, "305.00"), Recomputation.Multiple(30_500, 100));
        Assert.Equal(new ShareValue(6_667, "0.67"), Recomputation.Multiple(2, 3));
        Assert.Null(Recomputation.Multiple(5, 0));
    }

    [Fact]
    public void LatestFullDayIsTheLastReportedDayBeforeToday()
    {
        SeriesPoint[] points = [Point("2025-06-28", 10, 2), Point("2025-06-29", 20, 3), Point("2025-06-30", 0, 0), Point("2025-07-01", 99, 1)];

        Assert.Equal(("2025-06-29", 20L), Recomputation.LatestFullDay(points, new DateOnly(2025, 7, 1)));
        Assert.Null(Recomputation.LatestFullDay(points, new DateOnly(2025, 6, 28)));
    }

    [Fact]
    public void MonthlyAverageCountsOnlyReportedDaysAndRoundsHalfUp()
    {
        SeriesPoint[] points = [Point("2024-01-01", 10, 1), Point("2024-01-02", 0, 0), Point("2024-01-03", 11, 4), Point("2024-02-01", 1_000, 1)];

        Assert.Equal(11, Recomputation.MonthlyAverage(points, 2024, 1)); // (10 + 11) / 2 = 10.5 -> 11
        Assert.Equal(0, Recomputation.MonthlyAverage(points, 2024, 3));
        Assert.Equal(10, Recomputation.DayTokens(points, new DateOnly(2024, 1, 1)));
    }

    [Fact]
    public void ChineseShareCountsModelsStrictlyAboveSixtyPercentAndFindsTheMaximum()
    {
        var figures = Recomputation.ChineseShare(
        [
            Corpus("exactly-60", 10_000, 6_000),
            Corpus("just-above", 10_000, 6_001),
            Corpus("top", 3, 2), // 66.67 %, beats 60.01 % and 65 %
            Corpus("sixty-five", 100, 65),
        ]);

        Assert.Equal(4, figures.ModelCount);
        Assert.Equal(3, figures.ModelsAboveThreshold);
        Assert.Equal(new ShareValue(6_667, "66.67"), figures.Maximum);
        Assert.Equal("top", figures.MaximumModel);
    }

    [Fact]
    public void EveryRowAgreesWhenMetricsServesTheRecomputedFigures()
    {
        var rows = VerificationTable.Build(Recomputed(), Metrics());

        Assert.All(rows, row => Assert.True(row.Agrees, row.Indicator));
        Assert.Contains(rows, r => r.Indicator == "H5 BJ 2024 high-quality share" && r.Recomputed.StartsWith("10.00 %", StringComparison.Ordinal));
    }

    [Fact]
    public void OneFenOfDifferenceIsADisagreement()
    {
        var metrics = Metrics();
        metrics.Headline.H3HighQualityTradeAmount.Value += 1;

        var rows = VerificationTable.Build(Recomputed(), metrics);

        Assert.Equal(["H3 high-quality trade amount"], rows.Where(r => !r.Agrees).Select(r => r.Indicator));
    }

    [Fact]
    public void AnExchangeYearOnlyOneSideHasIsADisagreement()
    {
        var metrics = Metrics();
        metrics.Headline.H5ExchangeShares.Shares.Add(new ExchangeYearShare
        {
            ExchangeCode = "SZ", Year = 2025, HighQualityAmountFen = 1, TotalAmountFen = 1, Share = new Ratio { BasisPoints = 10_000, Value = "100.00" },
        });

        var rows = VerificationTable.Build(Recomputed(), metrics);

        var row = Assert.Single(rows, r => !r.Agrees);
        Assert.Equal("H5 SZ 2025 high-quality share", row.Indicator);
        Assert.Equal("none", row.Recomputed);
    }

    [Fact]
    public void UpliftIsRecomputedForAnnotatedHealthcareImagingOnly()
    {
        Dataset Imaging(string id, bool annotated) => new()
        {
            Id = id, Status = CertificationStatus.Certified, Domain = Domain.Healthcare, Modality = Modality.Image,
            Annotation = annotated ? new Annotation { BaseCode = "chengdu", Method = AnnotationMethod.Expert } : null,
        };
        Evaluation Of(string dataset, int upliftBp) => new() { DatasetId = dataset, UpliftBp = upliftBp };

        var figures = UpliftRecomputation.HealthcareImagingAnnotated(
            [Of("a", 1_800), Of("a", 2_600), Of("b", 1_400), Of("c", 500)], [Imaging("a", true), Imaging("b", true), Imaging("c", false)]);

        // Sorted 1,400 1,800 2,600: median 1,800, p10 1,480, p90 2,440; a's median (2,200) is above 15 %, b's is not.
        Assert.Equal(new UpliftFigures(4, 3, 2, 1_800, 1_480, 2_440, 1), figures);
    }

    [Fact]
    public void AMedianUpliftThatDiffersIsADisagreement()
    {
        var metrics = Metrics();
        metrics.Headline.H9EvaluationUplift.HealthcareImagingAnnotated.MedianUplift.BasisPoints += 1;

        var rows = VerificationTable.Build(Recomputed(), metrics);

        Assert.Equal(["H9 median uplift"], rows.Where(r => !r.Agrees).Select(r => r.Indicator));
    }

    [Fact]
    public void APerBaseCountThatDiffersIsADisagreement()
    {
        var metrics = Metrics();
        metrics.Headline.H8AnnotationBases.Bases[0].VolumeBytes -= 1;

        var rows = VerificationTable.Build(Recomputed(), metrics);

        Assert.Equal(["H8 certified datasets at the bases"], rows.Where(r => !r.Agrees).Select(r => r.Indicator));
    }

    private static RecomputedFigures Recomputed() => new(
        Recomputation.Certified([Dataset(CertificationStatus.Certified, 100, "chengdu"), Dataset(CertificationStatus.Certified, 5, null)]),
        "catalog ListDatasets",
        [new CatalogBase { Code = "chengdu", CertifiedDatasetCount = 1 }, new CatalogBase { Code = "hefei" }],
        1_000,
        [new ExchangeYear("BJ", 2024, 100, 1_000, 2, 1)],
        "trading ListTrades",
        500,
        "trading ListListings",
        ("2025-06-30", 30_500),
        100,
        30_000,
        100,
        30_500,
        Recomputation.ChineseShare([Corpus("m1", 10, 8), Corpus("m2", 10, 5)]),
        new UpliftFigures(4, 3, 2, 1_800, 1_480, 2_440, 1),
        "catalog ListEvaluations",
        42);

    private static MetricsFigures Metrics() => new(
        new HeadlineIndicators
        {
            H1CertifiedDatasets = new Measure { Value = 2 },
            H2CertifiedVolume = new CertifiedVolume { Total = new Measure { Value = 105 } },
            H3HighQualityTradeAmount = new Measure { Value = 1_000 },
            H4ListedVolume = new Measure { Value = 500 },
            H5ExchangeShares = new ExchangeShares
            {
                Shares =
                {
                    new ExchangeYearShare
                    {
                        ExchangeCode = "BJ", Year = 2024, HighQualityAmountFen = 100, TotalAmountFen = 1_000,
                        Share = new Ratio { BasisPoints = 1_000, Value = "10.00", Unit = "percent" },
                    },
                },
            },
            H6DailyTokens = new DailyTokens { Day = "2025-06-30", Tokens = new Measure { Value = 30_500 } },
            H7ChineseTrainingShare = new ChineseTrainingShare
            {
                ModelCount = 2,
                ModelsAboveThreshold = new Measure { Value = 1 },
                Maximum = new Ratio { BasisPoints = 8_000, Value = "80.00" },
                MaximumModel = "m1",
            },
            H8AnnotationBases = new AnnotationBases
            {
                BaseCount = new Measure { Value = 2 },
                Bases = { new MetricsBase { Code = "chengdu", DatasetCount = 1, VolumeBytes = 100 }, new MetricsBase { Code = "hefei" } },
            },
            H9EvaluationUplift = new EvaluationUplifts
            {
                EvaluationCount = 4,
                HealthcareImagingAnnotated = new EvaluationUplift
                {
                    EvaluationCount = 3,
                    DatasetCount = 2,
                    MedianUplift = new Ratio { BasisPoints = 1_800 },
                    P10Uplift = new Ratio { BasisPoints = 1_480 },
                    P90Uplift = new Ratio { BasisPoints = 2_440 },
                    DatasetsAboveThreshold = new Ratio { BasisPoints = 5_000, Value = "50.00" },
                },
            },
        },
        new IndicatorSeries { Growth = Growth(100, 30_000) },
        new IndicatorSeries { Growth = Growth(100, 30_500) });

    private static Growth Growth(long from, long to) => new()
    {
        FromValue = from,
        ToValue = to,
        Multiple = Recomputation.Multiple(to, from) is { } m ? new Ratio { BasisPoints = m.BasisPoints, Value = m.Value } : null,
    };

    private static Dataset Dataset(CertificationStatus status, long bytes, string? baseCode) => new()
    {
        Status = status,
        VolumeBytes = bytes,
        Annotation = baseCode is null ? null : new Annotation { BaseCode = baseCode, Method = AnnotationMethod.Expert },
    };

    private static Listing Listing(ProductKind kind, ListingStatus status, long bytes) =>
        new() { ProductKind = kind, Status = status, ListedVolumeBytes = bytes };

    private static Trade Trade(string exchange, ProductKind kind, TradeStatus status, long amount, DateTimeOffset? settledAt, TradeType type = TradeType.Purchase) => new()
    {
        ExchangeCode = exchange,
        ProductKind = kind,
        Status = status,
        Type = type,
        AmountFen = amount,
        SettledAt = settledAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
    };

    private static DateTimeOffset Settled(int year, int month, int day) => new(year, month, day, 4, 0, 0, TimeSpan.Zero);

    private static SeriesPoint Point(string day, long value, long records) => new() { PeriodStart = day, Value = value, RecordCount = records };

    private static CorpusPlan Corpus(string model, long total, long chinese) => new(model, "provider", total, chinese, DateTimeOffset.UnixEpoch);
}
