using Platform.Contracts;
using Platform.Metrics.V1;
using Platform.Testing;

namespace Platform.Metrics.FunctionalTests;

/// <summary>H9 from catalog's EvaluationRecorded events: per domain × modality × annotated, and the article's group.</summary>
[Collection(MetricsCollection.Name)]
public sealed class EvaluationUpliftTests(MetricsFixture fixture)
{
    private MetricsHost Host => fixture.Host;

    private static EvaluationRecorded Evaluated(Guid datasetId, string domain, bool annotated, int upliftBp, string modality = "image") =>
        new(Guid.CreateVersion7(), datasetId, domain, modality, annotated, "accuracy", upliftBp, DateTimeOffset.UtcNow.AddDays(-1));

    private Task<HeadlineIndicators> FullAsync() =>
        Host.Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = HeadlineView.Full }).ResponseAsync;

    [Fact]
    public async Task EvaluationsAreGroupedWithTheirPercentilesAndTheShareOfDatasetsAboveFifteenPercent()
    {
        var domain = Events.Unique("medical");
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        var first = Evaluated(a, domain, true, 1_800);
        foreach (var evaluation in new[] { first, Evaluated(a, domain, true, 2_600), Evaluated(b, domain, true, 1_400), Evaluated(b, domain, false, 500) })
        {
            await Host.PublishAsync(evaluation);
        }

        // A redelivered event (the same evaluation) counts once.
        await Host.PublishAsync(first);
        var headline = await Eventually.Returns(FullAsync,
            h => h.H9EvaluationUplift.Groups.Where(g => g.Domain == domain).Sum(g => g.EvaluationCount) == 4, because: "the four evaluations");

        var annotated = headline.H9EvaluationUplift.Groups.Single(g => g.Domain == domain && g.Annotated);
        Assert.Equal((3L, 2L), (annotated.EvaluationCount, annotated.DatasetCount));
        Assert.Equal("18.00", annotated.MedianUplift.Value);
        Assert.Equal(1_480, annotated.P10Uplift.BasisPoints);
        Assert.Equal(2_440, annotated.P90Uplift.BasisPoints);
        // Dataset a's median 22 % is above 15 %, b's 14 % is not: one of two.
        Assert.Equal("50.00", annotated.DatasetsAboveThreshold.Value);
        Assert.Equal("5.00", headline.H9EvaluationUplift.Groups.Single(g => g.Domain == domain && !g.Annotated).MedianUplift.Value);
        Assert.Equal(1_500, headline.H9EvaluationUplift.Threshold.BasisPoints);
        Assert.Equal(["EvaluationRecorded"], headline.H9EvaluationUplift.Provenance.RecordKinds);
    }

    [Fact]
    public async Task TheHeadlineCarriesAnnotatedHealthcareImagingAndTheBasicViewNoGroupList()
    {
        await Host.PublishAsync(Evaluated(Guid.NewGuid(), "healthcare", true, 2_000));

        var full = await Eventually.Returns(FullAsync, h => h.H9EvaluationUplift.HealthcareImagingAnnotated is not null, because: "the healthcare imaging evaluation");
        var basic = await Host.Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest());

        var row = full.H9EvaluationUplift.HealthcareImagingAnnotated;
        Assert.True(row is { Domain: "healthcare", Modality: "image", Annotated: true });
        Assert.True(row.EvaluationCount >= 1);
        Assert.Empty(basic.H9EvaluationUplift.Groups);
        Assert.NotNull(basic.H9EvaluationUplift.HealthcareImagingAnnotated);
    }
}
