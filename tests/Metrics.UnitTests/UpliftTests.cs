using Platform.Metrics.Computation;

namespace Platform.Metrics.UnitTests;

public sealed class UpliftTests
{
    [Theory]
    // percentile_cont: linear between the two nearest values.
    [InlineData(new[] { 1_000, 2_000, 4_000 }, "0.5", 2_000)]
    [InlineData(new[] { 1_000, 2_000, 4_000, 5_000 }, "0.5", 3_000)]
    [InlineData(new[] { 1_000, 2_000, 4_000, 5_000 }, "0.1", 1_300)]
    [InlineData(new[] { 1_000, 2_000, 4_000, 5_000 }, "0.9", 4_700)]
    [InlineData(new[] { 7 }, "0.9", 7)]
    // Half a basis point rounds away from zero, negatives too.
    [InlineData(new[] { -3, -2 }, "0.5", -3)]
    [InlineData(new[] { 2, 3 }, "0.5", 3)]
    public void PercentilesInterpolateLinearlyAndRoundHalfAwayFromZero(int[] sorted, string p, long expected) =>
        Assert.Equal(expected, Calculations.Percentile(sorted, decimal.Parse(p, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void GroupsCountEvaluationsAndTheDatasetsWhoseMedianIsAboveFifteenPercent()
    {
        var groups = Calculations.Uplifts(
        [
            new("healthcare", "image", true, [1_400, 1_800, 2_600]),
            new("healthcare", "image", true, [1_500]),
            new("healthcare", "image", false, [300, 500]),
            new("finance", "text", false, [-200]),
        ]);

        Assert.Equal(["finance/text/False", "healthcare/image/False", "healthcare/image/True"], groups.Select(g => $"{g.Domain}/{g.Modality}/{g.Annotated}"));
        var annotated = groups[2];
        Assert.Equal((4L, 2L), (annotated.EvaluationCount, annotated.DatasetCount));
        // All four sorted: 1,400 1,500 1,800 2,600 → median 1,650; the first dataset's median 1,800 is above 15 %, the second's 1,500 is not.
        Assert.Equal(1_650, annotated.MedianBp);
        Assert.Equal(1, annotated.DatasetsAboveThreshold);
        Assert.Equal(-200, groups[0].P90Bp);
    }

    [Theory]
    [InlineData(1_650, "16.50")]
    [InlineData(-1_667, "-16.67")]
    [InlineData(5, "0.05")]
    public void UpliftsReadAsPercents(long basisPoints, string percent) =>
        Assert.Equal(percent, Calculations.Percent(basisPoints).Value);
}
