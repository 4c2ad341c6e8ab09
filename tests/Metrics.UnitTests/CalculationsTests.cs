using Platform.Metrics.Computation;

namespace Platform.Metrics.UnitTests;

public sealed class CalculationsTests
{
    [Theory]
    [InlineData(300, 3_000, 1_000, "10.00")]
    [InlineData(800, 1_000, 8_000, "80.00")]
    [InlineData(2, 3, 6_667, "66.67")]
    [InlineData(1, 3, 3_333, "33.33")]
    [InlineData(0, 5, 0, "0.00")]
    [InlineData(5, 5, 10_000, "100.00")]
    public void ShareIsBasisPointsAndPercentRoundedHalfUp(long numerator, long denominator, long basisPoints, string percent)
    {
        var share = Calculations.Share(numerator, denominator);

        Assert.Equal((basisPoints, percent, "percent"), (share.BasisPoints, share.Value, share.Unit));
    }

    [Fact]
    public void ShareOfNothingIsZero() => Assert.Equal(0, Calculations.Share(0, 0).BasisPoints);

    [Fact]
    public void GrowthFromOneHundredBillionToThirtyTrillionIsThreeHundredTimes()
    {
        var multiple = Calculations.Multiple(30_000_000_000_000, 100_000_000_000)!;

        Assert.Equal(("300.00", "times", 3_000_000L), (multiple.Value, multiple.Unit, multiple.BasisPoints));
    }

    [Fact]
    public void ShareDoesNotOverflowForLargeTokenCounts()
    {
        var share = Calculations.Share(long.MaxValue / 2, long.MaxValue);

        Assert.Equal((5_000L, "50.00"), (share.BasisPoints, share.Value));
    }

    [Fact]
    public void ShareAndGrowthAreExactForTotalsBeyondInt64()
    {
        // Ten million datasets of 1 EB: 10^25 bytes, a million times int64's maximum.
        var total = 10_000_000m * Platform.Infrastructure.Grpc.Quantities.MaxVolumeBytes;
        var share = Calculations.Share(total / 4 * 3 + 1, total);
        var multiple = Calculations.Multiple(total, 1)!;

        Assert.Equal((7_500L, "75.00"), (share.BasisPoints, share.Value));
        Assert.Equal(long.MaxValue, multiple.BasisPoints);
        Assert.Equal("10000000000000000000000000.00", multiple.Value);
    }

    [Fact]
    public void CumulativeSeriesSumsBeyondInt64Exactly()
    {
        var max = (decimal)Platform.Infrastructure.Grpc.Quantities.MaxVolumeBytes;
        var day = new DateOnly(2025, 1, 1);
        var deltas = Enumerable.Range(0, 20).Select(_ => new DayDelta(day, 1, max));

        var points = Calculations.Cumulative(Calculations.Periods(day, day.AddDays(1), monthly: false), deltas);

        Assert.Equal([20 * max, 20 * max], points.Select(p => p.Value));
    }

    [Fact]
    public void GrowthFromZeroIsUndefined() => Assert.Null(Calculations.Multiple(5, 0));

    [Fact]
    public void ExactlySixtyPercentIsNotAboveTheThreshold()
    {
        Assert.False(Calculations.ShareAbove(600_000_000_000, 1_000_000_000_000, 6_000));
        Assert.True(Calculations.ShareAbove(600_000_000_001, 1_000_000_000_000, 6_000));
    }

    [Fact]
    public void ChineseShareSummaryCountsModelsAboveSixtyPercentAndFindsTheMaximum()
    {
        var summary = Calculations.SummariseChineseShare(
        [
            ("a", "m55", 1_000, 550),
            ("a", "m61", 1_000, 610),
            ("b", "m60", 10, 6),
            ("b", "m80", 5, 4),
            ("c", "m79", 1_000_000, 799_999),
        ]);

        Assert.Equal(3, summary.ModelsAboveThreshold);
        Assert.Equal("m80", summary.MaximumModel);
        Assert.Equal("80.00", summary.Maximum!.Value);
    }

    [Fact]
    public void ChineseShareSummaryOfNoModelsHasNoMaximum()
    {
        var summary = Calculations.SummariseChineseShare([]);

        Assert.Equal((0L, null, ""), (summary.ModelsAboveThreshold, summary.Maximum, summary.MaximumModel));
    }

    [Fact]
    public void MonthlyPeriodsCoverTheMonthsOfBothEnds()
    {
        var periods = Calculations.Periods(new DateOnly(2024, 1, 15), new DateOnly(2025, 6, 3), monthly: true);

        Assert.Equal(18, periods.Count);
        Assert.Equal(new DateOnly(2024, 1, 1), periods[0].Start);
        Assert.Equal(new DateOnly(2025, 7, 1), periods[^1].EndExclusive);
        Assert.Equal(18, Calculations.PeriodCount(new DateOnly(2024, 1, 15), new DateOnly(2025, 6, 3), monthly: true));
    }

    [Fact]
    public void CumulativeFigureIsTheSumOfChangesBeforeEachPeriodEnds()
    {
        var periods = Calculations.Periods(new DateOnly(2025, 1, 2), new DateOnly(2025, 1, 4), monthly: false);

        var points = Calculations.Cumulative(periods,
        [
            new DayDelta(new DateOnly(2025, 1, 3), 1, 100),
            new DayDelta(new DateOnly(2024, 12, 1), 2, 50),
            new DayDelta(new DateOnly(2025, 1, 4), -1, -30),
            new DayDelta(new DateOnly(2025, 1, 9), 5, 500),
        ]);

        Assert.Equal([50L, 150L, 120L], points.Select(p => p.Value));
        Assert.Equal([2L, 3L, 2L], points.Select(p => p.RecordCount));
    }

    [Fact]
    public void MonthlyDailyTokensAverageOverReportedDays()
    {
        var periods = Calculations.Periods(new DateOnly(2025, 1, 1), new DateOnly(2025, 2, 28), monthly: true);

        var points = Calculations.DailyTokens(periods,
        [
            new DayTotal(new DateOnly(2025, 1, 1), 10, 2),
            new DayTotal(new DateOnly(2025, 1, 2), 11, 1),
            new DayTotal(new DateOnly(2024, 12, 31), 1_000, 1),
        ]);

        Assert.Equal([11L, 0L], points.Select(p => p.Value));
        Assert.Equal([3L, 0L], points.Select(p => p.RecordCount));
    }

    [Fact]
    public void TodayIsTheDateInChinaStandardTime()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2025, 6, 30, 16, 30, 0, TimeSpan.Zero));

        Assert.Equal(new DateOnly(2025, 7, 1), Calculations.Today(time));
    }
}
