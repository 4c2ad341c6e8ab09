using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Platform.Catalog.V1;
using Platform.Testing;

namespace Platform.Catalog.FunctionalTests;

/// <summary>Evaluations of certified datasets: what a dataset did for a model, and the dataset's summary of them.</summary>
[Collection(CatalogCollection.Name)]
public sealed class EvaluationTests(CatalogFixture fixture)
{
    private static readonly TimeSpan NoticePeriod = TimeSpan.FromDays(3);

    private CatalogService.CatalogServiceClient Client => fixture.Client;

    private static string NewId() => Guid.NewGuid().ToString();

    private async Task<Dataset> CertifiedChestCtAsync()
    {
        var dataset = await Client.RegisterDatasetAsync(Datasets.ChestCt());
        await Client.SubmitForCertificationAsync(new SubmitForCertificationRequest { RequestId = NewId(), Id = dataset.Id });
        fixture.Time.Advance(NoticePeriod);
        return await Client.CertifyDatasetAsync(new CertifyDatasetRequest { RequestId = NewId(), Id = dataset.Id });
    }

    private RecordEvaluationRequest Evaluation(string datasetId, EvaluationMetric metric, double without, double with, string model = "radiology-vit-l") => new()
    {
        RequestId = NewId(),
        DatasetId = datasetId,
        Model = model,
        Task = "胸部CT结节良恶性分类 nodule classification",
        Metric = metric,
        ScoreWithout = without,
        ScoreWith = with,
        TestSet = "LIDC-IDRI held-out 1,000",
        Evaluator = "国家医学影像质控中心",
        EvaluatedAt = Timestamp.FromDateTimeOffset(fixture.Time.GetUtcNow().AddDays(-1)),
        MethodNote = "fine-tuned 3 epochs; 5 seeds, mean",
    };

    [Fact]
    public async Task AnEvaluationMeasuresTheRelativeUpliftAndTheDatasetSummarisesThem()
    {
        var dataset = await CertifiedChestCtAsync();

        var first = await Client.RecordEvaluationAsync(Evaluation(dataset.Id, EvaluationMetric.Accuracy, 0.70, 0.84));
        var second = await Client.RecordEvaluationAsync(Evaluation(dataset.Id, EvaluationMetric.F1, 0.5, 0.55));
        var third = await Client.RecordEvaluationAsync(Evaluation(dataset.Id, EvaluationMetric.WordErrorRate, 0.20, 0.15));

        // +20 %, +10 %, and a word error rate 25 % lower is +25 % (lower is better).
        Assert.Equal([2_000, 1_000, 2_500], new[] { first.UpliftBp, second.UpliftBp, third.UpliftBp });
        var summary = (await Client.GetDatasetAsync(new GetDatasetRequest { Id = dataset.Id })).Evaluations;
        Assert.Equal(3, summary.Count);
        Assert.Equal(2_500, summary.BestUpliftBp);
        Assert.Equal(2_000, summary.MedianUpliftBp);
        // Not a change of the dataset: its version stays.
        Assert.Equal(dataset.Version, (await Client.GetDatasetAsync(new GetDatasetRequest { Id = dataset.Id })).Version);

        var recorded = (await fixture.OutboxEventsAsync(dataset.Id)).Where(e => e.Type.EndsWith("EvaluationRecorded", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, recorded.Length);
        using var payload = JsonDocument.Parse(recorded[0].Payload);
        Assert.Equal("healthcare", payload.RootElement.GetProperty("domain").GetString());
        Assert.Equal("image", payload.RootElement.GetProperty("modality").GetString());
        Assert.True(payload.RootElement.GetProperty("annotated").GetBoolean());
        Assert.Equal(2_000, payload.RootElement.GetProperty("upliftBp").GetInt32());
    }

    [Fact]
    public async Task ConcurrentEvaluationsOfOneDatasetEachChangeItsSummaryOnce()
    {
        // Recorded together, several calls' evaluations share one change: a dataset evaluated several times in it
        // still gets one history entry per evaluation, each from the summary before it, and one event each.
        var (chest, second) = (await CertifiedChestCtAsync(), await CertifiedChestCtAsync());
        var draft = await Client.RegisterDatasetAsync(Datasets.ChestCt());
        var requests = Enumerable.Range(0, 16).Select(i => Evaluation(i % 2 == 0 ? chest.Id : second.Id, EvaluationMetric.Accuracy, 0.5, 0.51 + i * 0.01)).ToArray();

        var refused = GrpcAssert.FailsWith(StatusCode.FailedPrecondition,
            async () => await Client.RecordEvaluationAsync(Evaluation(draft.Id, EvaluationMetric.Accuracy, 0.5, 0.6)));
        var answers = await Task.WhenAll(requests.Select(async r => await Client.RecordEvaluationAsync(r)));
        await refused;

        Assert.Equal(requests.Select(r => (int)Math.Round((r.ScoreWith - 0.5) / 0.5 * 10_000)), answers.Select(a => a.UpliftBp));
        Assert.Equal(requests.Select(r => r.DatasetId), answers.Select(a => a.DatasetId));
        foreach (var dataset in new[] { chest, second })
        {
            var uplifts = answers.Where(a => a.DatasetId == dataset.Id).Select(a => a.UpliftBp).Order().ToArray();
            var summary = (await Client.GetDatasetAsync(new GetDatasetRequest { Id = dataset.Id })).Evaluations;
            Assert.Equal((8, uplifts[^1], (uplifts[3] + uplifts[4]) / 2), (summary.Count, summary.BestUpliftBp, summary.MedianUpliftBp));

            var entries = (await Client.ListHistoryAsync(new Platform.History.V1.ListHistoryRequest { RecordId = dataset.Id, PageSize = 100 })).Entries
                .Where(e => e.Method == "RecordEvaluation").ToArray();
            var counts = entries.Select(e => e.Changes.Single(c => c.Field == "evaluations"))
                .Select(c => (From: c.From == "" ? 0 : JsonDocument.Parse(c.From).RootElement.GetProperty("count").GetInt32(),
                              To: JsonDocument.Parse(c.To).RootElement.GetProperty("count").GetInt32()))
                .OrderBy(c => c.To).ToArray();
            Assert.Equal(Enumerable.Range(1, 8).Select(n => (n - 1, n)), counts);

            var events = (await fixture.OutboxEventsAsync(dataset.Id)).Where(e => e.Type.EndsWith("EvaluationRecorded", StringComparison.Ordinal))
                .Select(e => JsonDocument.Parse(e.Payload).RootElement.GetProperty("upliftBp").GetInt32()).Order();
            Assert.Equal(uplifts, events);
        }

        Assert.Equal(0, (await Client.GetDatasetAsync(new GetDatasetRequest { Id = draft.Id })).Evaluations?.Count ?? 0);
    }

    [Fact]
    public async Task EvaluationsAreListedPerDatasetAndPerModelInPages()
    {
        var dataset = await CertifiedChestCtAsync();
        var model = "model-" + NewId();
        var recorded = new List<Evaluation>();
        for (var i = 0; i < 3; i++)
        {
            recorded.Add(await Client.RecordEvaluationAsync(Evaluation(dataset.Id, EvaluationMetric.Auc, 0.8, 0.81 + i * 0.01, model)));
        }

        var firstPage = await Client.ListEvaluationsAsync(new ListEvaluationsRequest { Model = model, PageSize = 2 });
        var secondPage = await Client.ListEvaluationsAsync(new ListEvaluationsRequest { Model = model, PageSize = 2, PageToken = firstPage.NextPageToken });
        var ofDataset = await fixture.ClientWith(null).ListEvaluationsAsync(new ListEvaluationsRequest { DatasetId = dataset.Id });

        Assert.Equal(recorded, firstPage.Evaluations.Concat(secondPage.Evaluations));
        Assert.Empty(secondPage.NextPageToken);
        Assert.Equal(recorded, ofDataset.Evaluations);
        var neither = await GrpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await Client.ListEvaluationsAsync(new ListEvaluationsRequest()));
        Assert.Equal("dataset_id", GrpcAssert.ViolatedFields(neither).Single());
    }

    [Fact]
    public async Task ScoresOutsideTheMetricsRangeAndAFutureDateAreInvalid()
    {
        var dataset = await CertifiedChestCtAsync();
        var request = Evaluation(dataset.Id, EvaluationMetric.Accuracy, 0, 1.2);
        request.EvaluatedAt = Timestamp.FromDateTimeOffset(fixture.Time.GetUtcNow().AddDays(1));
        request.Model = "";

        var error = await GrpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await Client.RecordEvaluationAsync(request));

        Assert.Equal(["evaluated_at", "model", "score_with", "score_without"], GrpcAssert.ViolatedFields(error).Order(StringComparer.Ordinal));
        var unspecified = Evaluation(dataset.Id, EvaluationMetric.Unspecified, 0.5, 0.6);
        Assert.Equal("metric", GrpcAssert.ViolatedFields(await GrpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await Client.RecordEvaluationAsync(unspecified))).Single());
    }

    [Fact]
    public async Task OnlyCertifiedDatasetsAreEvaluatedByTheirProviderOrACertifier()
    {
        var certified = await CertifiedChestCtAsync();
        var draft = await Client.RegisterDatasetAsync(Datasets.ChestCt());
        var otherProvider = fixture.ClientWith(TestTokens.Mint("eval-other", ["provider"], organisation: "另一家医院"));
        var owner = fixture.ClientWith(TestTokens.Mint("eval-owner", ["provider"], organisation: "四川大学华西医院"));

        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await Client.RecordEvaluationAsync(Evaluation(draft.Id, EvaluationMetric.Accuracy, 0.5, 0.6)));
        await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await otherProvider.RecordEvaluationAsync(Evaluation(certified.Id, EvaluationMetric.Accuracy, 0.5, 0.6)));
        await GrpcAssert.FailsWith(StatusCode.NotFound, async () => await Client.RecordEvaluationAsync(Evaluation(NewId(), EvaluationMetric.Accuracy, 0.5, 0.6)));
        var byOwner = await owner.RecordEvaluationAsync(Evaluation(certified.Id, EvaluationMetric.Accuracy, 0.5, 0.6));
        Assert.Equal(2_000, byOwner.UpliftBp);
    }

    [Fact]
    public async Task RecordEvaluationKeepsTheWritePromise()
    {
        var dataset = await CertifiedChestCtAsync();
        await WritePromise.HoldsAsync(
            async r => await Client.RecordEvaluationAsync(r), Evaluation(dataset.Id, EvaluationMetric.Bleu, 20, 30),
            async _ => await Client.RecordEvaluationAsync(Evaluation(dataset.Id, EvaluationMetric.Bleu, 20, 25)),
            r => r.ScoreWith = 31);
    }
}
