using Platform.Catalog.Model;
using Platform.Catalog.V1;

namespace Platform.Catalog.UnitTests;

public sealed class EvaluationUpliftTests
{
    [Theory]
    [InlineData(EvaluationMetric.Accuracy, 0.70, 0.84, 2_000)]
    [InlineData(EvaluationMetric.Accuracy, 0.84, 0.70, -1_667)]
    [InlineData(EvaluationMetric.Bleu, 20, 30, 5_000)]
    // Lower is better: a word error rate from 0.20 to 0.15 is 25 % better.
    [InlineData(EvaluationMetric.WordErrorRate, 0.20, 0.15, 2_500)]
    [InlineData(EvaluationMetric.WordErrorRate, 0.20, 0.30, -5_000)]
    // Half a basis point rounds away from zero, computed in decimal (0.00005 / 1 is exactly 0.5 bp).
    [InlineData(EvaluationMetric.F1, 0.8, 0.80004, 1)]
    public void TheUpliftIsRelativeToTheScoreWithoutAndPositiveWhenBetter(EvaluationMetric metric, double without, double with, long expected) =>
        Assert.Equal(expected, Evaluations.UpliftBp(metric, without, with));

    [Fact]
    public void EveryKnownMetricHasARange() =>
        Assert.All(Enum.GetValues<EvaluationMetric>().Where(m => m != EvaluationMetric.Unspecified), m => Assert.NotNull(Evaluations.RangeOf(m)));
}
