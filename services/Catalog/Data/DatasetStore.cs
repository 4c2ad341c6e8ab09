using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Catalog.Model;
using Platform.Catalog.Search;
using Platform.Catalog.V1;
using Platform.Catalog.Validation;
using Platform.Contracts;
using Platform.Infrastructure.Errors;
using Platform.Infrastructure.Outbox;
using Platform.Infrastructure.Writes;

namespace Platform.Catalog.Data;

/// <summary>
/// Every write of the catalog, each through the <see cref="WritePath"/>: one transaction that locks the dataset, checks
/// the state machine, changes the row and enqueues the integration event in the outbox (the write path adds the request
/// id, the stored answer and the audit event to it).
/// </summary>
internal sealed class DatasetStore(
    WritePath writes, Outbox outbox, DatasetCache cache, TimeProvider time, IOptions<CertificationOptions> certification)
{
    /// <summary>The column values of <see cref="DatasetRow.ContentParameters"/> under their column names.</summary>
    private static readonly JsonSerializerOptions RowJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>A registration; <paramref name="Submit"/> stores it in PUBLIC_NOTICE (submitted in the same write).</summary>
    public sealed record Registration(WriteItem Item, Dataset Content, bool Submit = false);

    public sealed record Submission(WriteItem Item, Guid Id);

    public sealed record Certifying(WriteItem Item, Guid Id, IReadOnlySet<Guid> Dismissed);

    /// <summary>
    /// Registers every item in DRAFT (or PUBLIC_NOTICE, its notice period starting now, when it is also submitted) in one
    /// transaction: one multi-row insert and one outbox insert, for concurrent single registrations too.
    /// </summary>
    public Task<Dataset[]> RegisterAsync(WriteCall call, IReadOnlyList<Registration> items, ItemNaming naming, CancellationToken cancellationToken) =>
        writes.RunAsync(call, items, i => i.Item, naming, Dataset.Parser, _registering, cancellationToken);

    private readonly BatchWork<Registration, Dataset> _registering = new(async (connection, transaction, items) =>
    {
        var now = time.GetUtcNow();
        var noticeEndsAt = now + certification.Value.NoticePeriod;
        var ids = Infrastructure.Postgres.UuidV7.Ascending(items.Count, now);
        var submitted = items.Select(i => i.Submit).ToArray();

        // json_to_recordset turns the contents (snake_case keys = column names) into rows, numbered to join the ids and
        // submissions beside them: one multi-row insert, each dataset with its revision 1, in one statement.
        var inserted = (await connection.QueryAsync<DatasetRow>(new CommandDefinition(
            $"""
            with inserted as (
            insert into datasets (id, name, name_en, description_zh, description_en, domain, modality, volume_bytes, record_count,
                token_count, language_shares, zh_share_bp, annotation_base_code, annotation_method, annotated_fraction_bp,
                quality_grade, licence, access_level, provider_organisation, province, keywords, edition, search_text,
                status, notice_started_at, notice_ends_at, version, created_at, updated_at)
            select k.id, name, name_en, description_zh, description_en, domain, modality, volume_bytes, record_count,
                token_count, language_shares::jsonb, zh_share_bp, annotation_base_code, annotation_method, annotated_fraction_bp,
                quality_grade, licence, access_level, provider_organisation, province, keywords, edition, search_text,
                case when k.submitted then @publicNotice else @draft end,
                case when k.submitted then @now end, case when k.submitted then @noticeEndsAt end, 1, @now, @now
            from rows from (json_to_recordset(@rows::json) as (name text, name_en text, description_zh text, description_en text,
                domain smallint, modality smallint, volume_bytes bigint, record_count bigint, token_count bigint, language_shares text,
                zh_share_bp int, annotation_base_code text, annotation_method smallint, annotated_fraction_bp int,
                quality_grade smallint, licence smallint, access_level smallint, provider_organisation text, province text,
                keywords text[], edition text, search_text text)) with ordinality as r
            join unnest(@ids, @submitted) with ordinality as k(id, submitted, n) on k.n = r.ordinality
            returning {DatasetRow.Columns}),
            revisions as (
                insert into dataset_revisions (dataset_id, revision, volume_bytes, record_count, token_count, language_shares, note, created_at)
                select id, 1, volume_bytes, record_count, token_count, language_shares::jsonb, '', @now from inserted)
            select * from inserted
            """,
            new
            {
                rows = JsonSerializer.Serialize(items.Select(i => DatasetRow.ContentParameters(i.Content)), RowJson),
                ids,
                submitted,
                now,
                noticeEndsAt,
                draft = (short)CertificationStatus.Draft,
                publicNotice = (short)CertificationStatus.PublicNotice,
            },
            transaction)))
            .ToDictionary(r => r.Id);
        var datasets = ids.Select(id => inserted[id].ToMessage()).ToArray();
        await outbox.EnqueueManyAsync(connection, transaction,
            datasets.Select((d, k) => new DatasetRegistered(ids[k], DatasetRow.Facts(d), now)).ToArray(), CancellationToken.None);
        return datasets.Select(d => Written(d, null, cache)).ToArray();
    });

    /// <summary>Applies <paramref name="apply"/> (which merges and validates the masked fields) to the current dataset.</summary>
    public Task<Dataset> UpdateAsync(WriteCall call, WriteItem item, Guid id, long expectedVersion, Func<Dataset, Dataset> apply, CancellationToken cancellationToken) =>
        writes.RunAsync(call, item, Dataset.Parser, async (connection, transaction) =>
        {
            var current = await LockOneAsync(connection, transaction, id, cancellationToken);
            DatasetRefusals.RequireVersion(current, expectedVersion);
            DatasetRefusals.Reject(Certification.CanUpdate(current.StatusValue));
            var merged = apply(current.ToMessage());
            var now = time.GetUtcNow();
            var parameters = new DynamicParameters(DatasetRow.ContentParameters(merged));
            parameters.AddDynamicParams(new { id, now });
            var row = await connection.QuerySingleAsync<DatasetRow>(new CommandDefinition(
                $"""
                update datasets set name = @name, name_en = @nameEn, description_zh = @descriptionZh, description_en = @descriptionEn,
                    domain = @domain, modality = @modality, volume_bytes = @volumeBytes, record_count = @recordCount,
                    token_count = @tokenCount, language_shares = @languageShares::jsonb, zh_share_bp = @zhShareBp,
                    annotation_base_code = @annotationBaseCode, annotation_method = @annotationMethod,
                    annotated_fraction_bp = @annotatedFractionBp, quality_grade = @qualityGrade, licence = @licence,
                    access_level = @accessLevel, provider_organisation = @providerOrganisation, province = @province,
                    keywords = @keywords, edition = @edition, search_text = @searchText,
                    version = version + 1, updated_at = @now
                where id = @id
                returning {DatasetRow.Columns}
                """, parameters, transaction, cancellationToken: cancellationToken));
            var dataset = row.ToMessage();
            await outbox.EnqueueAsync(connection, transaction, new DatasetUpdated(
                id, dataset.Version, ReferenceData.EnumName(dataset.Status), DatasetRow.Facts(dataset), now), cancellationToken);
            return Written(dataset, current);
        }, cancellationToken);

    /// <summary>DRAFT -> PUBLIC_NOTICE for every item in one transaction; the notice period starts now.</summary>
    public Task<Dataset[]> SubmitAsync(WriteCall call, IReadOnlyList<Submission> items, ItemNaming naming, CancellationToken cancellationToken) =>
        writes.RunAsync(call, items.Select(i => i.Item).ToArray(), naming, Dataset.Parser, async (connection, transaction, fresh) =>
        {
            var ids = fresh.Select(i => items[i].Id).ToArray();
            var current = await LockAsync(connection, transaction, ids, fresh, naming, cancellationToken);
            for (var k = 0; k < fresh.Length; k++)
            {
                DatasetRefusals.Reject(naming, fresh[k], ids[k], Certification.CanSubmit(current[k].StatusValue, (V1.Domain)current[k].Domain, (Modality)current[k].Modality));
            }

            var now = time.GetUtcNow();
            var datasets = await TransitionAsync(connection, transaction, ids,
                "status = @status, notice_started_at = @now, notice_ends_at = @endsAt",
                new { status = (short)CertificationStatus.PublicNotice, now, endsAt = now + certification.Value.NoticePeriod },
                cancellationToken);
            return datasets.Select((d, k) => Written(d, current[k])).ToArray();
        }, cancellationToken);

    public Task<Objection> RaiseObjectionAsync(WriteCall call, WriteItem item, Guid id, string objector, string reason, CancellationToken cancellationToken) =>
        writes.RunAsync(call, item, Objection.Parser, async (connection, transaction) =>
        {
            var current = await LockOneAsync(connection, transaction, id, cancellationToken);
            var now = time.GetUtcNow();
            DatasetRefusals.Reject(Certification.CanObject(current.StatusValue, now, Utc(current.NoticeEndsAt)));
            var objectionId = Guid.CreateVersion7(now);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                insert into objections (id, dataset_id, objector, reason, state, raised_at) values (@objectionId, @id, @objector, @reason, @state, @now);
                update datasets set open_objection_count = open_objection_count + 1, version = version + 1, updated_at = @now where id = @id;
                """,
                new { objectionId, id, objector, reason, state = (short)ObjectionState.Open, now }, transaction, cancellationToken: cancellationToken));
            var objection = new Objection
            {
                Id = objectionId.ToString(),
                DatasetId = id.ToString(),
                Objector = objector,
                Reason = reason,
                State = ObjectionState.Open,
                RaisedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(now),
            };
            var changed = (await connection.QuerySingleAsync<DatasetRow>(new CommandDefinition(
                $"select {DatasetRow.Columns} from datasets where id = @id", new { id }, transaction, cancellationToken: cancellationToken))).ToMessage();
            return new Written<Objection>(objection, [id.ToString(), objection.Id], changed.Provider?.Organisation, () => cache.Apply(changed),
                [new RecordChange(id.ToString(), current.ToMessage(), changed)]);
        }, cancellationToken);

    /// <summary>
    /// PUBLIC_NOTICE -> CERTIFIED for every item in one transaction: one lock, one objection query, one nextval per
    /// item (in one query), one update, one outbox insert.
    /// </summary>
    public Task<Dataset[]> CertifyAsync(WriteCall call, IReadOnlyList<Certifying> items, ItemNaming naming, CancellationToken cancellationToken) =>
        writes.RunAsync(call, items.Select(i => i.Item).ToArray(), naming, Dataset.Parser, async (connection, transaction, fresh) =>
        {
            var ids = fresh.Select(i => items[i].Id).ToArray();
            var current = await LockAsync(connection, transaction, ids, fresh, naming, cancellationToken);
            var now = time.GetUtcNow();
            var open = (await connection.QueryAsync<(Guid Id, Guid DatasetId)>(new CommandDefinition(
                "select id, dataset_id from objections where dataset_id = any(@ids) and state = @open",
                new { ids, open = (short)ObjectionState.Open }, transaction, cancellationToken: cancellationToken))).ToLookup(o => o.DatasetId, o => o.Id);
            for (var k = 0; k < fresh.Length; k++)
            {
                var openHere = open[ids[k]].ToHashSet();
                var dismissed = items[fresh[k]].Dismissed;
                var unknown = dismissed.Where(d => !openHere.Contains(d)).ToList();
                if (unknown.Count > 0 && current[k].StatusValue == CertificationStatus.PublicNotice)
                {
                    throw Refusal.InvalidField(naming.Field(fresh[k], "dismissed_objection_ids"), $"'{unknown[0]}' is not an open objection to this dataset");
                }

                DatasetRefusals.Reject(naming, fresh[k], ids[k],
                    Certification.CanCertify(current[k].StatusValue, now, Utc(current[k].NoticeEndsAt), openHere.Count(o => !dismissed.Contains(o))));
            }

            var year = Certification.CertificateYear(now);
            var sequences = (await connection.QueryAsync<long>(new CommandDefinition(
                "select nextval('certificate_serial') from generate_series(1, @count)",
                new { count = ids.Length }, transaction, cancellationToken: cancellationToken))).Order().ToArray();
            var certificates = sequences.Select(s => Certification.CertificateNumber(year, s)).ToArray();
            if (open.Count > 0)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "update objections set state = @dismissed, resolved_at = @now where dataset_id = any(@ids) and state = @open",
                    new { ids, now, dismissed = (short)ObjectionState.Dismissed, open = (short)ObjectionState.Open }, transaction, cancellationToken: cancellationToken));
            }

            var datasets = await TransitionAsync(connection, transaction, ids,
                "status = @status, certificate_number = (@certificates)[u.item::int], certified_at = @now, open_objection_count = 0",
                new { status = (short)CertificationStatus.Certified, certificates, now }, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                "update dataset_revisions r set certified_at = @now from datasets d where d.id = any(@ids) and r.dataset_id = d.id and r.revision = d.revision",
                new { ids, now }, transaction, cancellationToken: cancellationToken));
            await outbox.EnqueueManyAsync(connection, transaction,
                datasets.Select((d, k) => new DatasetCertified(ids[k], d.CertificateNumber, DatasetRow.Facts(d), now, d.Revision)).ToArray(), cancellationToken);
            return datasets.Select((d, k) => Written(d, current[k])).ToArray();
        }, cancellationToken);

    public Task<Dataset> RejectAsync(WriteCall call, WriteItem item, Guid id, string reason, CancellationToken cancellationToken) =>
        writes.RunAsync(call, item, Dataset.Parser, async (connection, transaction) =>
        {
            var current = await LockOneAsync(connection, transaction, id, cancellationToken);
            DatasetRefusals.Reject(Certification.CanReject(current.StatusValue));
            var now = time.GetUtcNow();
            await connection.ExecuteAsync(new CommandDefinition(
                "update objections set state = @upheld, resolved_at = @now where dataset_id = @id and state = @open",
                new { id, now, upheld = (short)ObjectionState.Upheld, open = (short)ObjectionState.Open }, transaction, cancellationToken: cancellationToken));
            var dataset = (await TransitionAsync(connection, transaction, [id],
                "status = @status, rejection_reason = @reason, open_objection_count = 0",
                new { status = (short)CertificationStatus.Rejected, reason, now }, cancellationToken))[0];
            return Written(dataset, current);
        }, cancellationToken);

    public Task<Dataset> RetireAsync(WriteCall call, WriteItem item, Guid id, CancellationToken cancellationToken) =>
        writes.RunAsync(call, item, Dataset.Parser, async (connection, transaction) =>
        {
            var current = await LockOneAsync(connection, transaction, id, cancellationToken);
            DatasetRefusals.Reject(Certification.CanRetire(current.StatusValue));
            var now = time.GetUtcNow();
            var dataset = (await TransitionAsync(connection, transaction, [id],
                "status = @status, retired_at = @now",
                new { status = (short)CertificationStatus.Retired, now }, cancellationToken))[0];
            await outbox.EnqueueAsync(connection, transaction, new DatasetRetired(id, now), cancellationToken);
            // The datasets derived from it need review (GetDatasetLineage's needs_review).
            await connection.ExecuteAsync(new CommandDefinition(
                "update dataset_sources set source_retired_at = @now where source_id = @id and source_retired_at is null",
                new { id, now }, transaction, cancellationToken: cancellationToken));
            return Written(dataset, current);
        }, cancellationToken);

    /// <summary>
    /// Applies <paramref name="set"/> to the datasets <paramref name="ids"/> in one statement; <c>u.item</c> is each
    /// dataset's 1-based position in <paramref name="ids"/>, for per-dataset values. Returns them in that order.
    /// </summary>
    internal static async Task<Dataset[]> TransitionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid[] ids, string set, object parameters, CancellationToken cancellationToken)
    {
        var all = new DynamicParameters(parameters);
        all.Add("ids", ids);
        var rows = (await connection.QueryAsync<DatasetRow>(new CommandDefinition(
            $"""
            update datasets set {set}, version = version + 1, updated_at = @now
            from unnest(@ids) with ordinality as u(target_id, item)
            where id = u.target_id
            returning {DatasetRow.Columns}
            """,
            all, transaction, cancellationToken: cancellationToken))).ToDictionary(r => r.Id);
        return ids.Select(id => rows[id].ToMessage()).ToArray();
    }

    /// <summary>Locks the datasets (in id order, so concurrent batches cannot deadlock) and returns them in the order of <paramref name="ids"/>.</summary>
    private static async Task<DatasetRow[]> LockAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid[] ids, int[] itemIndices, ItemNaming naming, CancellationToken cancellationToken)
    {
        var rows = await LockAllAsync(connection, transaction, ids, cancellationToken);
        return ids.Select((id, k) => rows.TryGetValue(id, out var row) ? row : throw naming.NotFound(itemIndices[k], "Dataset", id.ToString())).ToArray();
    }

    /// <summary>Locks those of the datasets that exist, in id order (so concurrent writes cannot deadlock); by id.</summary>
    internal static async Task<Dictionary<Guid, DatasetRow>> LockAllAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<Guid> ids, CancellationToken ct = default) =>
        (await connection.QueryAsync<DatasetRow>(new CommandDefinition($"select {DatasetRow.Columns} from datasets where id = any(@ids) order by id for update",
            new { ids = ids.Distinct().ToArray() }, transaction, cancellationToken: ct))).ToDictionary(r => r.Id);

    /// <summary>Locks one dataset for a write; NOT_FOUND when it does not exist.</summary>
    internal static async Task<DatasetRow> LockOneAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, CancellationToken cancellationToken) =>
        (await LockAsync(connection, transaction, [id], [0], ItemNaming.Single, cancellationToken))[0];

    private static DateTimeOffset? Utc(DateTime? value) =>
        value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    /// <summary>
    /// A write's answer for one dataset: the dataset, its organisation as the owner, its re-indexing once committed, and
    /// its change from <paramref name="before"/> (none: registered) for the dataset's history.
    /// </summary>
    private Written<Dataset> Written(Dataset dataset, DatasetRow? before) => Written(dataset, before, cache);

    private static Written<Dataset> Written(Dataset dataset, DatasetRow? before, DatasetCache cache) =>
        new(dataset, [dataset.Id], dataset.Provider?.Organisation, () => cache.Apply(dataset), [new RecordChange(dataset.Id, before?.ToMessage(), dataset)]);
}
