using Platform.Catalog.V1;

namespace Platform.Catalog.Model;

/// <summary>The evaluation metrics: each one's score range and which way is better, and the relative uplift.</summary>
internal static class Evaluations
{
    /// <summary>An uplift beyond ±100,000 % is a score without the dataset too close to 0 to measure against.</summary>
    public const int MaxUpliftBp = 10_000_000;

    public static (double Min, double Max, bool HigherIsBetter)? RangeOf(EvaluationMetric metric) => metric switch
    {
        EvaluationMetric.Accuracy or EvaluationMetric.F1 or EvaluationMetric.Auc => (0, 1, true),
        EvaluationMetric.Bleu or EvaluationMetric.RougeL => (0, 100, true),
        EvaluationMetric.WordErrorRate => (0, 10, false),
        _ => null,
    };

    /// <summary>
    /// (with − without) / without in basis points, rounded half away from zero; for a lower-is-better metric
    /// (without − with) / without, so positive always means the dataset made the model better. Computed in decimal:
    /// two scores that print alike give the same uplift on every machine.
    /// </summary>
    public static long UpliftBp(EvaluationMetric metric, double without, double with)
    {
        var (_, _, higherIsBetter) = RangeOf(metric) ?? throw new ArgumentOutOfRangeException(nameof(metric));
        var (w, x) = ((decimal)without, (decimal)with);
        var change = higherIsBetter ? x - w : w - x;
        return (long)Math.Round(change / w * 10_000m, MidpointRounding.AwayFromZero);
    }
}
