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
/// Records evaluations through the write path: the evaluation row, the dataset's evaluation summary and the
/// <see cref="EvaluationRecorded"/> event in one transaction, the dataset row locked so that summaries of concurrent
/// evaluations of one dataset are computed one after the other.
/// </summary>
internal sealed class EvaluationStore(WritePath writes, Infrastructure.Outbox.Outbox outbox, DatasetCache cache, TimeProvider time)
{
    public Task<Evaluation> RecordAsync(WriteCall call, WriteItem item, ValidEvaluation e, CancellationToken cancellationToken) =>
        writes.RunAsync(call, item, Evaluation.Parser, async (connection, transaction) =>
        {
            var dataset = await DatasetStore.LockOneAsync(connection, transaction, e.DatasetId, cancellationToken);
            if (dataset.StatusValue != CertificationStatus.Certified)
            {
                throw Refusal.FailedPrecondition(
                    $"Dataset '{e.DatasetId}' is {ReferenceData.EnumName(dataset.StatusValue).ToUpperInvariant()}; evaluations are recorded for CERTIFIED datasets.");
            }

            var now = time.GetUtcNow();
            var id = Guid.CreateVersion7(now);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                insert into evaluations (id, dataset_id, model, task, metric, score_without, score_with, uplift_bp, test_set, evaluator, evaluated_at, method_note, recorded_at)
                values (@id, @DatasetId, @Model, @Task, @metric, @ScoreWithout, @ScoreWith, @UpliftBp, @TestSet, @Evaluator, @EvaluatedAt, @MethodNote, @now)
                """,
                new { id, e.DatasetId, e.Model, e.Task, metric = (short)e.Metric, e.ScoreWithout, e.ScoreWith, e.UpliftBp, e.TestSet, e.Evaluator, e.EvaluatedAt, e.MethodNote, now },
                transaction, cancellationToken: cancellationToken));
            var changed = (await connection.QuerySingleAsync<DatasetRow>(new CommandDefinition(
                $"""
                update datasets set evaluation_count = s.count, evaluation_best_uplift_bp = s.best, evaluation_median_uplift_bp = s.median
                from (select count(*)::int as count, max(uplift_bp) as best, round(percentile_cont(0.5) within group (order by uplift_bp))::int as median
                      from evaluations where dataset_id = @id) s
                where datasets.id = @id
                returning {DatasetRow.Columns}
                """, new { id = e.DatasetId }, transaction, cancellationToken: cancellationToken))).ToMessage();

            var annotated = changed.Annotation?.Method is AnnotationMethod.Expert or AnnotationMethod.Crowd or AnnotationMethod.MachineAssisted;
            await outbox.EnqueueAsync(connection, transaction, new EvaluationRecorded(
                id, e.DatasetId, ReferenceData.EnumName(changed.Domain), ReferenceData.EnumName(changed.Modality), annotated,
                ReferenceData.EnumName(e.Metric), e.UpliftBp, e.EvaluatedAt), cancellationToken);
            var evaluation = EvaluationRow.Message(id, e, now);
            return new Written<Evaluation>(evaluation, [evaluation.Id, evaluation.DatasetId], changed.Provider?.Organisation, () => cache.Apply(changed),
                [new RecordChange(changed.Id, dataset.ToMessage(), changed)]);
        }, cancellationToken);
}
