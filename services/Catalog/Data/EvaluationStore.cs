using Dapper;
using Platform.Catalog.Model;
using Platform.Catalog.Search;
using Platform.Catalog.V1;
using Platform.Catalog.Validation;
using Platform.Contracts;
using Platform.Infrastructure.Errors;
using Platform.Infrastructure.Writes;

namespace Platform.Catalog.Data;

/// <summary>
/// Records evaluations through the write path: the evaluation rows, their datasets' evaluation summaries and the
/// <see cref="EvaluationRecorded"/> events in one transaction, the datasets locked so that summaries of concurrent
/// evaluations of one dataset are computed one after the other. Concurrent calls share one change (<see cref="BatchWork"/>).
/// </summary>
internal sealed class EvaluationStore(WritePath writes, Infrastructure.Outbox.Outbox outbox, DatasetCache cache, TimeProvider time)
{
    public async Task<Evaluation> RecordAsync(WriteCall call, WriteItem item, ValidEvaluation e, CancellationToken cancellationToken) =>
        (await writes.RunAsync(call, [new Recording(item, e)], r => r.Item, ItemNaming.Single, Evaluation.Parser, _recording, cancellationToken))[0];

    private sealed record Recording(WriteItem Item, ValidEvaluation Evaluation);

    /// <summary>
    /// Records the evaluations of concurrent calls in rounds: a round holds at most one evaluation per dataset (a dataset's
    /// n-th evaluation of the run goes in round n), so each evaluation's history entry shows the summary it changed, as
    /// if recorded alone. A round costs one insert, one summary update and one outbox insert; the loader's evaluations,
    /// spread over datasets, take one round.
    /// </summary>
    private readonly BatchWork<Recording, Evaluation> _recording = new(async (connection, transaction, items) =>
    {
        var current = await DatasetStore.LockAllAsync(connection, transaction, items.Select(i => i.Evaluation.DatasetId));
        foreach (var (_, e) in items)
        {
            var dataset = current.GetValueOrDefault(e.DatasetId) ?? throw Refusal.NotFound("Dataset", e.DatasetId.ToString());
            if (dataset.StatusValue != CertificationStatus.Certified)
            {
                throw Refusal.FailedPrecondition(
                    $"Dataset '{e.DatasetId}' is {ReferenceData.EnumName(dataset.StatusValue).ToUpperInvariant()}; evaluations are recorded for CERTIFIED datasets.");
            }
        }

        var now = time.GetUtcNow();
        var ids = Infrastructure.Postgres.UuidV7.Ascending(items.Count, now);
        var written = new Written<Evaluation>[items.Count];
        foreach (var round in BatchWork.Rounds(items, i => i.Evaluation.DatasetId))
        {
            var recorded = round.Select(k => items[k].Evaluation).ToArray();
            var changed = await InsertAndSummariseAsync(connection, transaction, round.Select(k => ids[k]).ToArray(), recorded, now);
            var datasets = changed.ToDictionary(r => r.Id, r => r.ToMessage());
            await outbox.EnqueueManyAsync(connection, transaction,
                round.Select(k => Recorded(ids[k], items[k].Evaluation, datasets[items[k].Evaluation.DatasetId])).ToArray(), CancellationToken.None, items: round);
            foreach (var k in round)
            {
                var id = items[k].Evaluation.DatasetId;
                var (evaluation, dataset) = (EvaluationRow.Message(ids[k], items[k].Evaluation, now), datasets[id]);
                written[k] = new Written<Evaluation>(evaluation, [evaluation.Id, evaluation.DatasetId], dataset.Provider?.Organisation,
                    () => cache.Apply(dataset), [new RecordChange(dataset.Id, current[id].ToMessage(), dataset)]);
            }

            foreach (var row in changed)
            {
                current[row.Id] = row;
            }
        }

        return written;
    });

    /// <summary>Inserts one round's evaluations (one per dataset) and recomputes their datasets' summaries; answers the changed rows.</summary>
    private static async Task<IEnumerable<DatasetRow>> InsertAndSummariseAsync(
        Npgsql.NpgsqlConnection connection, Npgsql.NpgsqlTransaction transaction, Guid[] ids, ValidEvaluation[] e, DateTimeOffset now) =>
        (await connection.QueryAsync<DatasetRow>(new CommandDefinition(
            $"""
            insert into evaluations (id, dataset_id, model, task, metric, score_without, score_with, uplift_bp, test_set, evaluator, evaluated_at, method_note, recorded_at)
            select *, @now from unnest(@ids, @datasetIds, @models, @tasks, @metrics, @scoresWithout, @scoresWith, @uplifts, @testSets, @evaluators, @evaluatedAts, @notes);
            update datasets set evaluation_count = s.count, evaluation_best_uplift_bp = s.best, evaluation_median_uplift_bp = s.median
            from (select dataset_id, count(*)::int as count, max(uplift_bp) as best, round(percentile_cont(0.5) within group (order by uplift_bp))::int as median
                  from evaluations where dataset_id = any(@datasetIds) group by dataset_id) s
            where datasets.id = s.dataset_id
            returning {DatasetRow.Columns}
            """,
            new
            {
                ids,
                datasetIds = e.Select(x => x.DatasetId).ToArray(),
                models = e.Select(x => x.Model).ToArray(),
                tasks = e.Select(x => x.Task).ToArray(),
                metrics = e.Select(x => (short)x.Metric).ToArray(),
                scoresWithout = e.Select(x => x.ScoreWithout).ToArray(),
                scoresWith = e.Select(x => x.ScoreWith).ToArray(),
                uplifts = e.Select(x => x.UpliftBp).ToArray(),
                testSets = e.Select(x => x.TestSet).ToArray(),
                evaluators = e.Select(x => x.Evaluator).ToArray(),
                evaluatedAts = e.Select(x => x.EvaluatedAt).ToArray(),
                notes = e.Select(x => x.MethodNote).ToArray(),
                now,
            },
            transaction)));

    private static EvaluationRecorded Recorded(Guid id, ValidEvaluation e, Dataset dataset)
    {
        var annotated = dataset.Annotation?.Method is AnnotationMethod.Expert or AnnotationMethod.Crowd or AnnotationMethod.MachineAssisted;
        return new EvaluationRecorded(id, e.DatasetId, ReferenceData.EnumName(dataset.Domain), ReferenceData.EnumName(dataset.Modality), annotated,
            ReferenceData.EnumName(e.Metric), e.UpliftBp, e.EvaluatedAt);
    }
}
