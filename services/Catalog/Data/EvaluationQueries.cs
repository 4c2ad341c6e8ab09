using Dapper;
using Npgsql;
using Platform.Catalog.V1;
using Platform.Catalog.Validation;

namespace Platform.Catalog.Data;

/// <summary>A row of <c>evaluations</c>.</summary>
internal sealed record EvaluationRow(
    Guid Id, Guid DatasetId, string Model, string Task, short Metric, double ScoreWithout, double ScoreWith, int UpliftBp,
    string TestSet, string Evaluator, DateTime EvaluatedAt, string MethodNote, DateTime RecordedAt)
{
    public const string Columns =
        "id, dataset_id, model, task, metric, score_without, score_with, uplift_bp, test_set, evaluator, " +
        "evaluated_at, method_note, recorded_at";

    public Evaluation ToMessage() => new()
    {
        Id = Id.ToString(),
        DatasetId = DatasetId.ToString(),
        Model = Model,
        Task = Task,
        Metric = (EvaluationMetric)Metric,
        ScoreWithout = ScoreWithout,
        ScoreWith = ScoreWith,
        UpliftBp = UpliftBp,
        TestSet = TestSet,
        Evaluator = Evaluator,
        EvaluatedAt = DatasetRow.Time(EvaluatedAt),
        MethodNote = MethodNote,
        RecordedAt = DatasetRow.Time(RecordedAt),
    };

    /// <summary>The message of an evaluation just recorded (as <see cref="ToMessage"/> would read it back).</summary>
    public static Evaluation Message(Guid id, ValidEvaluation e, DateTimeOffset recordedAt) =>
        new EvaluationRow(id, e.DatasetId, e.Model, e.Task, (short)e.Metric, e.ScoreWithout, e.ScoreWith, e.UpliftBp,
            e.TestSet, e.Evaluator, Truncated(e.EvaluatedAt), e.MethodNote, Truncated(recordedAt)).ToMessage();

    /// <summary>PostgreSQL keeps microseconds: the answer carries what a later read returns.</summary>
    private static DateTime Truncated(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % 10, DateTimeKind.Utc);
}

/// <summary>Evaluations of one dataset or one model, in the order they were recorded, with each one's place in it.</summary>
internal sealed class EvaluationQueries(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<(long Seq, Evaluation Evaluation)>> ListAsync(
        Guid? datasetId, string? model, int pageSize, long? afterSeq, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<long, EvaluationRow, (long, EvaluationRow)>(new CommandDefinition(
            $"""
            select seq, {EvaluationRow.Columns} from evaluations
            where (@datasetId::uuid is null or dataset_id = @datasetId) and (@model::text is null or model = @model) and (@afterSeq::bigint is null or seq > @afterSeq)
            order by seq limit @limit
            """,
            new { datasetId, model, afterSeq, limit = pageSize }, cancellationToken: cancellationToken),
            (seq, row) => (seq, row), splitOn: "id");
        return rows.Select(r => (r.Item1, r.Item2.ToMessage())).ToArray();
    }
}
