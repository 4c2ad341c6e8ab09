using Npgsql;
using NpgsqlTypes;
using Platform.Contracts;
using static Platform.Metrics.Data.BatchStatements;

namespace Platform.Metrics.Data;

/// <summary>
/// Stores what catalog's events say about datasets and their evaluations, the records H1, H2, H8 and H9 are computed
/// from. Each handler upserts by the dataset (or evaluation) id and keeps the latest state whatever order the events
/// arrive in, inside the consumer's inbox transaction, with multi-row statements (<see cref="BatchStatements"/>).
/// </summary>
internal static class DatasetEventWriter
{
    private const string FactColumns =
        "name, domain, modality, volume_bytes, record_count, token_count, province, provider_organisation, annotation_base_code";

    private const string FactValues =
        "u.name, u.domain, u.modality, u.volume_bytes, u.record_count, u.token_count, u.province, u.provider_organisation, u.annotation_base_code";

    /// <summary>
    /// On conflict the descriptive facts are replaced only by an event at least as new as the stored facts (all
    /// expressions of one update see the row as it was, so the lifecycle columns beside them compare the same old facts_at).
    /// </summary>
    private static readonly string NewerFacts = string.Join(", ", ("facts_at, " + FactColumns).Split(", ").Select(column =>
        $"{column} = case when datasets.facts_at <= excluded.facts_at then excluded.{column} else datasets.{column} end"));

    /// <summary>
    /// The first certification starts the dataset's count (H1); every certified revision is kept (H2 as of a day), and
    /// the latest one's facts are the dataset's (H2 now).
    /// </summary>
    public static async Task DatasetCertifiedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<DatasetCertified> events, CancellationToken ct)
    {
        await UpsertFactsAsync(connection, transaction, events, e => new DatasetRow(e.DatasetId, e.Facts, e.CertifiedAt, e.CertificateNumber, null),
            "certified_at, certificate_number", "u.at, u.certificate_number",
            "certified_at = least(datasets.certified_at, excluded.certified_at), certificate_number = coalesce(datasets.certificate_number, excluded.certificate_number)",
            ct);
        await WriteAsync(connection, transaction, events, e => (e.DatasetId, e.Revision), segment =>
        [
            Unnest(
                """
                insert into certified_revisions (dataset_id, revision, certified_at, volume_bytes)
                select u.dataset_id, u.revision, u.certified_at, u.volume_bytes from {rows} order by u.dataset_id, u.revision
                on conflict (dataset_id, revision) do nothing
                """,
                Column("dataset_id", NpgsqlDbType.Uuid, segment, e => e.DatasetId),
                Column("revision", NpgsqlDbType.Integer, segment, e => e.Revision),
                Column("certified_at", NpgsqlDbType.TimestampTz, segment, e => e.CertifiedAt.UtcDateTime),
                Column("volume_bytes", NpgsqlDbType.Bigint, segment, e => e.Facts.VolumeBytes)),
        ], ct);
    }

    public static Task DatasetUpdatedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<DatasetUpdated> events, CancellationToken ct) =>
        UpsertFactsAsync(connection, transaction, events, e => new DatasetRow(e.DatasetId, e.Facts, e.UpdatedAt, null, e.Status),
            "status", "u.status", "status = case when excluded.facts_at >= datasets.facts_at then excluded.status else datasets.status end", ct);

    /// <summary>A retirement may arrive before anything else about the dataset: it leaves a tombstone with placeholder facts.</summary>
    public static Task DatasetRetiredAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<DatasetRetired> events, CancellationToken ct) =>
        WriteAsync(connection, transaction, events, e => e.DatasetId, segment =>
        [
            Unnest(
                """
                insert into datasets (dataset_id, retired_at, facts_at, name, domain, modality, volume_bytes, record_count, token_count, province, provider_organisation)
                select u.dataset_id, u.retired_at, '-infinity', '', '', '', 0, 0, 0, '', '' from {rows} order by u.dataset_id
                on conflict (dataset_id) do update set retired_at = greatest(datasets.retired_at, excluded.retired_at)
                """,
                Column("dataset_id", NpgsqlDbType.Uuid, segment, e => e.DatasetId),
                Column("retired_at", NpgsqlDbType.TimestampTz, segment, e => e.RetiredAt.UtcDateTime)),
        ], ct);

    private readonly record struct DatasetRow(Guid Id, DatasetFacts Facts, DateTimeOffset At, string? CertificateNumber, string? Status);

    private static Task UpsertFactsAsync<T>(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<T> events, Func<T, DatasetRow> row,
        string lifecycleColumns, string lifecycleValues, string lifecycleUpdate, CancellationToken ct)
    {
        var rows = events.Select(row).ToList();
        return WriteAsync(connection, transaction, rows, r => r.Id, segment =>
        {
            NpgsqlParameter[] columns =
            [
                Column("dataset_id", NpgsqlDbType.Uuid, segment, r => r.Id),
                Column("at", NpgsqlDbType.TimestampTz, segment, r => r.At.UtcDateTime),
                Column("certificate_number", NpgsqlDbType.Text, segment, r => r.CertificateNumber),
                Column("status", NpgsqlDbType.Text, segment, r => r.Status),
                Column("name", NpgsqlDbType.Text, segment, r => r.Facts.Name),
                Column("domain", NpgsqlDbType.Text, segment, r => r.Facts.Domain),
                Column("modality", NpgsqlDbType.Text, segment, r => r.Facts.Modality),
                Column("volume_bytes", NpgsqlDbType.Bigint, segment, r => r.Facts.VolumeBytes),
                Column("record_count", NpgsqlDbType.Bigint, segment, r => r.Facts.RecordCount),
                Column("token_count", NpgsqlDbType.Bigint, segment, r => r.Facts.TokenCount),
                Column("province", NpgsqlDbType.Text, segment, r => r.Facts.Province),
                Column("provider_organisation", NpgsqlDbType.Text, segment, r => r.Facts.ProviderOrganisation),
                Column("annotation_base_code", NpgsqlDbType.Text, segment, r => r.Facts.AnnotationBaseCode),
            ];

            // The lifecycle columns always merge; the descriptive facts only when this event is at least as new. One
            // statement: a new dataset is written once, not inserted and then updated to the same values.
            return
            [
                Unnest(
                    $$"""
                    insert into datasets (dataset_id, {{lifecycleColumns}}, facts_at, {{FactColumns}})
                    select u.dataset_id, {{lifecycleValues}}, u.at, {{FactValues}} from {rows} order by u.dataset_id
                    on conflict (dataset_id) do update set {{lifecycleUpdate}}, {{NewerFacts}}
                    """,
                    columns),
            ];
        }, ct);
    }

    /// <summary>An evaluation is recorded once and never changes: a redelivery is ignored.</summary>
    public static Task EvaluationRecordedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EvaluationRecorded> events, CancellationToken ct) =>
        WriteAsync(connection, transaction, events, e => e.EvaluationId, segment =>
        [
            Unnest(
                """
                insert into evaluations (evaluation_id, dataset_id, domain, modality, annotated, metric, uplift_bp, evaluated_at)
                select u.evaluation_id, u.dataset_id, u.domain, u.modality, u.annotated, u.metric, u.uplift_bp, u.evaluated_at from {rows} order by u.evaluation_id
                on conflict (evaluation_id) do nothing
                """,
                Column("evaluation_id", NpgsqlDbType.Uuid, segment, e => e.EvaluationId),
                Column("dataset_id", NpgsqlDbType.Uuid, segment, e => e.DatasetId),
                Column("domain", NpgsqlDbType.Text, segment, e => e.Domain),
                Column("modality", NpgsqlDbType.Text, segment, e => e.Modality),
                Column("annotated", NpgsqlDbType.Boolean, segment, e => e.Annotated),
                Column("metric", NpgsqlDbType.Text, segment, e => e.Metric),
                Column("uplift_bp", NpgsqlDbType.Integer, segment, e => e.UpliftBp),
                Column("evaluated_at", NpgsqlDbType.TimestampTz, segment, e => e.EvaluatedAt.UtcDateTime)),
        ], ct);
}
