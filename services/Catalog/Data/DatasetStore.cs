using Dapper;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Catalog.Model;
using Platform.Catalog.V1;
using Platform.Contracts;
using Platform.Infrastructure.Grpc;
using Platform.Infrastructure.Outbox;

namespace Platform.Catalog.Data;

/// <summary>
/// Every write of the catalog: one transaction that locks the dataset, checks the state machine, changes the row,
/// enqueues the integration event in the outbox and records the response under the client's request id.
/// </summary>
internal sealed class DatasetStore(
    NpgsqlDataSource dataSource, Outbox outbox, SearchIndex index, TimeProvider time, IOptions<CertificationOptions> certification)
{
    public async Task<Dataset?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        if (index.TryGetCached(id) is { } cached)
        {
            return cached;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<DatasetRow>(new CommandDefinition(
            $"select {DatasetRow.Columns} from datasets where id = @id", new { id }, cancellationToken: cancellationToken));
        var dataset = row?.ToMessage();
        if (dataset is not null)
        {
            index.Cache(dataset);
        }

        return dataset;
    }

    public async Task<IReadOnlyList<DatasetRow>> FindManyAsync(Guid[] ids, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<DatasetRow>(new CommandDefinition(
            $"select {DatasetRow.Columns} from datasets where id = any(@ids)", new { ids }, cancellationToken: cancellationToken))).AsList();
    }

    public Task<Dataset> RegisterAsync(string requestId, Dataset content, CancellationToken cancellationToken) =>
        IdempotentAsync(requestId, "register", null, Dataset.Parser, async (connection, transaction) =>
        {
            var now = time.GetUtcNow();
            var id = Guid.CreateVersion7(now);
            var parameters = new DynamicParameters(DatasetRow.ContentParameters(content));
            parameters.AddDynamicParams(new { id, now, status = (short)CertificationStatus.Draft });
            var row = await connection.QuerySingleAsync<DatasetRow>(new CommandDefinition(
                $"""
                insert into datasets (id, name, name_en, description_zh, description_en, domain, modality, volume_bytes, record_count,
                    token_count, language_shares, zh_share_bp, annotation_base_code, annotation_method, annotated_fraction_bp,
                    quality_grade, licence, access_level, provider_organisation, province, keywords, edition, search_text,
                    status, version, created_at, updated_at)
                values (@id, @name, @nameEn, @descriptionZh, @descriptionEn, @domain, @modality, @volumeBytes, @recordCount,
                    @tokenCount, @languageShares::jsonb, @zhShareBp, @annotationBaseCode, @annotationMethod, @annotatedFractionBp,
                    @qualityGrade, @licence, @accessLevel, @providerOrganisation, @province, @keywords, @edition, @searchText,
                    @status, 1, @now, @now)
                returning {DatasetRow.Columns}
                """, parameters, transaction, cancellationToken: cancellationToken));
            var dataset = row.ToMessage();
            await outbox.EnqueueAsync(connection, transaction, new DatasetRegistered(id, DatasetRow.Facts(dataset), now), cancellationToken);
            return (dataset, id);
        }, cancellationToken);

    /// <summary>Applies <paramref name="apply"/> (which merges and validates the masked fields) to the current dataset.</summary>
    public Task<Dataset> UpdateAsync(string requestId, Guid id, long expectedVersion, Func<Dataset, Dataset> apply, CancellationToken cancellationToken) =>
        IdempotentAsync(requestId, "update", id, Dataset.Parser, async (connection, transaction) =>
        {
            var current = await LockAsync(connection, transaction, id, cancellationToken);
            if (expectedVersion != 0 && current.Version != expectedVersion)
            {
                throw GrpcErrors.Aborted($"Dataset '{id}' is at version {current.Version}, not {expectedVersion}: read it again and retry.");
            }

            Reject(Certification.CanUpdate(current.StatusValue));
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
            return (dataset, id);
        }, cancellationToken);

    public Task<Dataset> SubmitAsync(string requestId, Guid id, CancellationToken cancellationToken) =>
        IdempotentAsync(requestId, "submit", id, Dataset.Parser, async (connection, transaction) =>
        {
            var current = await LockAsync(connection, transaction, id, cancellationToken);
            Reject(Certification.CanSubmit(current.StatusValue, (V1.Domain)current.Domain, (Modality)current.Modality));
            var now = time.GetUtcNow();
            var dataset = await TransitionAsync(connection, transaction, id,
                "status = @status, notice_started_at = @now, notice_ends_at = @endsAt",
                new { status = (short)CertificationStatus.PublicNotice, now, endsAt = now + certification.Value.NoticePeriod, id },
                cancellationToken);
            return (dataset, id);
        }, cancellationToken);

    public Task<Objection> RaiseObjectionAsync(string requestId, Guid id, string objector, string reason, CancellationToken cancellationToken)
    {
        Dataset? changed = null;
        return IdempotentAsync(requestId, "object", id, Objection.Parser, async (connection, transaction) =>
        {
            var current = await LockAsync(connection, transaction, id, cancellationToken);
            var now = time.GetUtcNow();
            Reject(Certification.CanObject(current.StatusValue, now, Utc(current.Notice_Ends_At)));
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
            changed = (await connection.QuerySingleAsync<DatasetRow>(new CommandDefinition(
                $"select {DatasetRow.Columns} from datasets where id = @id", new { id }, transaction, cancellationToken: cancellationToken))).ToMessage();
            return (objection, id);
        }, cancellationToken, () => changed);
    }

    public Task<Dataset> CertifyAsync(string requestId, Guid id, IReadOnlyCollection<Guid> dismissed, CancellationToken cancellationToken) =>
        IdempotentAsync(requestId, "certify", id, Dataset.Parser, async (connection, transaction) =>
        {
            var current = await LockAsync(connection, transaction, id, cancellationToken);
            var now = time.GetUtcNow();
            var open = (await connection.QueryAsync<Guid>(new CommandDefinition(
                "select id from objections where dataset_id = @id and state = @open",
                new { id, open = (short)ObjectionState.Open }, transaction, cancellationToken: cancellationToken))).ToHashSet();
            var unknown = dismissed.Where(d => !open.Contains(d)).ToList();
            if (unknown.Count > 0 && current.StatusValue == CertificationStatus.PublicNotice)
            {
                throw FieldViolations.Single("dismissed_objection_ids", $"'{unknown[0]}' is not an open objection to this dataset");
            }

            Reject(Certification.CanCertify(current.StatusValue, now, Utc(current.Notice_Ends_At), open.Count(o => !dismissed.Contains(o))));
            var year = Certification.CertificateYear(now);
            var sequence = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "select nextval('certificate_serial')", transaction: transaction, cancellationToken: cancellationToken));
            var certificate = Certification.CertificateNumber(year, sequence);
            await connection.ExecuteAsync(new CommandDefinition(
                "update objections set state = @dismissed, resolved_at = @now where dataset_id = @id and state = @open",
                new { id, now, dismissed = (short)ObjectionState.Dismissed, open = (short)ObjectionState.Open }, transaction, cancellationToken: cancellationToken));
            var dataset = await TransitionAsync(connection, transaction, id,
                "status = @status, certificate_number = @certificate, certified_at = @now, open_objection_count = 0",
                new { status = (short)CertificationStatus.Certified, certificate, now, id }, cancellationToken);
            await outbox.EnqueueAsync(connection, transaction, new DatasetCertified(id, certificate, DatasetRow.Facts(dataset), now), cancellationToken);
            return (dataset, id);
        }, cancellationToken);

    public Task<Dataset> RejectAsync(string requestId, Guid id, string reason, CancellationToken cancellationToken) =>
        IdempotentAsync(requestId, "reject", id, Dataset.Parser, async (connection, transaction) =>
        {
            var current = await LockAsync(connection, transaction, id, cancellationToken);
            Reject(Certification.CanReject(current.StatusValue));
            var now = time.GetUtcNow();
            await connection.ExecuteAsync(new CommandDefinition(
                "update objections set state = @upheld, resolved_at = @now where dataset_id = @id and state = @open",
                new { id, now, upheld = (short)ObjectionState.Upheld, open = (short)ObjectionState.Open }, transaction, cancellationToken: cancellationToken));
            var dataset = await TransitionAsync(connection, transaction, id,
                "status = @status, rejection_reason = @reason, open_objection_count = 0",
                new { status = (short)CertificationStatus.Rejected, reason, now, id }, cancellationToken);
            return (dataset, id);
        }, cancellationToken);

    public Task<Dataset> RetireAsync(string requestId, Guid id, CancellationToken cancellationToken) =>
        IdempotentAsync(requestId, "retire", id, Dataset.Parser, async (connection, transaction) =>
        {
            var current = await LockAsync(connection, transaction, id, cancellationToken);
            Reject(Certification.CanRetire(current.StatusValue));
            var now = time.GetUtcNow();
            var dataset = await TransitionAsync(connection, transaction, id,
                "status = @status, retired_at = @now",
                new { status = (short)CertificationStatus.Retired, now, id }, cancellationToken);
            await outbox.EnqueueAsync(connection, transaction, new DatasetRetired(id, now), cancellationToken);
            return (dataset, id);
        }, cancellationToken);

    private static async Task<Dataset> TransitionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, string set, object parameters, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleAsync<DatasetRow>(new CommandDefinition(
            $"update datasets set {set}, version = version + 1, updated_at = @now where id = @id returning {DatasetRow.Columns}",
            parameters, transaction, cancellationToken: cancellationToken));
        return row.ToMessage();
    }

    private static async Task<DatasetRow> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, CancellationToken cancellationToken) =>
        await connection.QuerySingleOrDefaultAsync<DatasetRow>(new CommandDefinition(
            $"select {DatasetRow.Columns} from datasets where id = @id for update", new { id }, transaction, cancellationToken: cancellationToken))
        ?? throw GrpcErrors.NotFound("Dataset", id.ToString());

    private static void Reject(string? reason)
    {
        if (reason is not null)
        {
            throw GrpcErrors.FailedPrecondition(reason);
        }
    }

    private static DateTimeOffset? Utc(DateTime? value) =>
        value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    /// <summary>
    /// Runs a write once per request id. The key row is inserted first: a concurrent retry blocks on it and, once
    /// the first commits, reads its stored response. A write that fails rolls back its key, so a retry re-evaluates.
    /// </summary>
    private async Task<T> IdempotentAsync<T>(
        string requestId, string operation, Guid? datasetId, MessageParser<T> parser,
        Func<NpgsqlConnection, NpgsqlTransaction, Task<(T Response, Guid DatasetId)>> work, CancellationToken cancellationToken,
        Func<Dataset?>? changedDataset = null)
        where T : IMessage<T>
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (requestId.Length > 0)
        {
            var claimed = await connection.ExecuteAsync(new CommandDefinition(
                """
                insert into idempotent_requests (request_id, operation, dataset_id, created_at) values (@requestId, @operation, @datasetId, @now)
                on conflict (request_id) do nothing
                """,
                new { requestId, operation, datasetId, now = time.GetUtcNow() }, transaction, cancellationToken: cancellationToken));
            if (claimed == 0)
            {
                var prior = await connection.QuerySingleAsync<(string Operation, Guid? DatasetId, byte[] Response)>(new CommandDefinition(
                    "select operation, dataset_id, response from idempotent_requests where request_id = @requestId",
                    new { requestId }, transaction, cancellationToken: cancellationToken));
                if (prior.Operation != operation || (datasetId is not null && prior.DatasetId != datasetId))
                {
                    throw FieldViolations.Single("request_id", "was already used for a different request");
                }

                return parser.ParseFrom(prior.Response);
            }
        }

        var (response, id) = await work(connection, transaction);
        if (requestId.Length > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "update idempotent_requests set response = @response, dataset_id = @id where request_id = @requestId",
                new { requestId, id, response = response.ToByteArray() }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        outbox.NotifyCommitted();
        if ((response as Dataset ?? changedDataset?.Invoke()) is { } dataset)
        {
            index.Apply(dataset);
        }

        return response;
    }
}
