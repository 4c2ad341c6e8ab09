using Platform.Catalog.V1;

namespace Platform.ScenarioLoader.Verify;

/// <summary>H9's annotated healthcare imaging group, recomputed: evaluations, datasets, uplift percentiles (basis points).</summary>
public sealed record UpliftFigures(
    long TotalEvaluations, long Evaluations, long Datasets, long MedianBp, long P10Bp, long P90Bp, long DatasetsAboveThreshold);

/// <summary>
/// H9 with the metrics service's definitions (services/Metrics/Computation/Calculations.cs) but none of its code: from
/// catalog's evaluation list and the certified datasets' domain, modality and annotation.
/// </summary>
public static class UpliftRecomputation
{
    /// <summary>"More than 15 %": a dataset counts when its median uplift is strictly above 1,500 basis points.</summary>
    public const long ThresholdBasisPoints = 1_500;

    public static UpliftFigures HealthcareImagingAnnotated(IReadOnlyList<Evaluation> evaluations, IEnumerable<Dataset> certified)
    {
        var inGroup = certified
            .Where(d => d is { Domain: Domain.Healthcare, Modality: Modality.Image }
                && d.Annotation?.Method is AnnotationMethod.Expert or AnnotationMethod.Crowd or AnnotationMethod.MachineAssisted)
            .Select(d => d.Id)
            .ToHashSet(StringComparer.Ordinal);
        var byDataset = evaluations.Where(e => inGroup.Contains(e.DatasetId)).GroupBy(e => e.DatasetId)
            .Select(g => g.Select(e => e.UpliftBp).Order().ToArray()).ToList();
        var all = byDataset.SelectMany(u => u).Order().ToArray();
        return all.Length == 0
            ? new UpliftFigures(evaluations.Count, 0, 0, 0, 0, 0, 0)
            : new UpliftFigures(evaluations.Count, all.Length, byDataset.Count, Percentile(all, 50), Percentile(all, 10), Percentile(all, 90),
                byDataset.Count(u => Percentile(u, 50) > ThresholdBasisPoints));
    }

    /// <summary>The p-th percentile, linear between the two nearest ranks, rounded half away from zero (exact decimals).</summary>
    public static long Percentile(int[] sorted, int percent)
    {
        var rank = (sorted.Length - 1) * percent / 100m;
        var below = (int)Math.Floor(rank);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return (long)Math.Round(sorted[below] + (rank - below) * (sorted[above] - sorted[below]), MidpointRounding.AwayFromZero);
    }
}
