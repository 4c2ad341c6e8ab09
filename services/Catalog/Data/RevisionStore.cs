using Dapper;
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

/// <summary>A row of <c>dataset_revisions</c>.</summary>
internal sealed class RevisionRow
{
    public const string Columns =
        "dataset_id, revision, volume_bytes, record_count, token_count, language_shares::text as language_shares, note, created_at, certified_at";

    public Guid DatasetId { get; set; }
    public int Revision { get; set; }
    public long VolumeBytes { get; set; }
    public long RecordCount { get; set; }
    public long TokenCount { get; set; }
    public string LanguageShares { get; set; } = "[]";
    public string Note { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? CertifiedAt { get; set; }

    public DatasetRevision ToMessage() => new()
    {
        DatasetId = DatasetId.ToString(),
        Revision = Revision,
        VolumeBytes = VolumeBytes,
        RecordCount = RecordCount,
        TokenCount = TokenCount,
        LanguageShares = { DatasetRow.Shares(LanguageShares) },
        Note = Note,
        CreatedAt = DatasetRow.Time(CreatedAt),
        CertifiedAt = DatasetRow.Time(CertifiedAt),
    };
}

/// <summary>
/// A dataset's revisions (<c>dataset_revisions</c>), each write through the write path with the dataset row locked: a
/// new revision numbered one above the latest (describing a DRAFT dataset at once, awaiting certification on a CERTIFIED
/// one), and the certification of a certified dataset's newer revision, which makes it the dataset's counted content.
/// </summary>
internal sealed class RevisionStore(NpgsqlDataSource dataSource, WritePath writes, Outbox outbox, DatasetCache cache, TimeProvider time)
{
    /// <param name="content">The new revision's content (volume, records, tokens, language shares), validated.</param>
    /// <param name="requireOwn">Checks the caller against the stored dataset's organisation, inside the transaction.</param>
    public Task<DatasetRevision> CreateAsync(
        WriteCall call, WriteItem item, Guid id, long expectedVersion, Dataset content, string note, Action<string?> requireOwn, CancellationToken cancellationToken) =>
        writes.RunAsync(call, item, DatasetRevision.Parser, async (connection, transaction) =>
        {
            var current = await DatasetStore.LockOneAsync(connection, transaction, id, cancellationToken);
            requireOwn(current.ProviderOrganisation);
            DatasetRefusals.RequireVersion(current, expectedVersion);

            DatasetRefusals.Reject(Certification.CanRevise(current.StatusValue));
            var now = time.GetUtcNow();
            var revision = await connection.QuerySingleAsync<RevisionRow>(new CommandDefinition(
                $"""
                insert into dataset_revisions (dataset_id, revision, volume_bytes, record_count, token_count, language_shares, note, created_at)
                values (@id, @revision, @volumeBytes, @recordCount, @tokenCount, @languageShares::jsonb, @note, @now)
                returning {RevisionRow.Columns}
                """,
                new
                {
                    id, revision = current.LatestRevision + 1, volumeBytes = content.VolumeBytes, recordCount = content.RecordCount,
                    tokenCount = content.TokenCount, languageShares = DatasetRow.StoredShares(content.LanguageShares), note, now,
                },
                transaction, cancellationToken: cancellationToken));

            // A DRAFT dataset is what its latest revision says; a CERTIFIED one keeps its certified content until
            // CertifyDatasetRevision.
            Dataset changed;
            if (current.StatusValue == CertificationStatus.Draft)
            {
                changed = await MoveToAsync(connection, transaction, revision, now, cancellationToken);
                await outbox.EnqueueAsync(connection, transaction, new DatasetUpdated(
                    id, changed.Version, ReferenceData.EnumName(changed.Status), DatasetRow.Facts(changed), now), cancellationToken);
            }
            else
            {
                changed = (await DatasetStore.TransitionAsync(connection, transaction, [id], "latest_revision = @latest", new { latest = revision.Revision, now }, cancellationToken))[0];
            }

            var answer = revision.ToMessage();
            return new Written<DatasetRevision>(answer, [changed.Id], changed.Provider?.Organisation, () => cache.Apply(changed),
                [new RecordChange(changed.Id, current.ToMessage(), changed)]);
        }, cancellationToken);

    /// <summary>A CERTIFIED dataset's newer revision becomes its certified, counted content (one DatasetCertified event).</summary>
    public Task<Dataset> CertifyAsync(WriteCall call, WriteItem item, Guid id, int revision, CancellationToken cancellationToken) =>
        writes.RunAsync(call, item, Dataset.Parser, async (connection, transaction) =>
        {
            var current = await DatasetStore.LockOneAsync(connection, transaction, id, cancellationToken);
            if (revision > current.LatestRevision)
            {
                throw Refusal.NotFound("DatasetRevision", $"{id}/revisions/{revision}");
            }

            DatasetRefusals.Reject(Certification.CanCertifyRevision(current.StatusValue, current.Revision, revision));
            var now = time.GetUtcNow();
            var target = await connection.QuerySingleAsync<RevisionRow>(new CommandDefinition(
                $"update dataset_revisions set certified_at = @now where dataset_id = @id and revision = @revision returning {RevisionRow.Columns}",
                new { id, revision, now }, transaction, cancellationToken: cancellationToken));
            var changed = await MoveToAsync(connection, transaction, target, now, cancellationToken);
            await outbox.EnqueueAsync(connection, transaction,
                new DatasetCertified(id, changed.CertificateNumber, DatasetRow.Facts(changed), now, revision), cancellationToken);
            return new Written<Dataset>(changed, [changed.Id], changed.Provider?.Organisation, () => cache.Apply(changed),
                [new RecordChange(changed.Id, current.ToMessage(), changed)]);
        }, cancellationToken);

    /// <summary>Revisions of a dataset, newest first, below <paramref name="before"/> when given.</summary>
    public async Task<IReadOnlyList<DatasetRevision>> ListAsync(Guid id, int? before, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<RevisionRow>(new CommandDefinition(
            $"""
            select {RevisionRow.Columns} from dataset_revisions
            where dataset_id = @id and (@before::int is null or revision < @before) order by revision desc limit @limit
            """,
            new { id, before, limit }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToMessage()).ToArray();
    }

    /// <summary>Makes <paramref name="revision"/> the dataset's content (and its latest, if newer).</summary>
    private static async Task<Dataset> MoveToAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, RevisionRow revision, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await DatasetStore.TransitionAsync(connection, transaction, [revision.DatasetId],
            """
            revision = @revision, latest_revision = greatest(latest_revision, @revision), volume_bytes = @volumeBytes,
            record_count = @recordCount, token_count = @tokenCount, language_shares = @languageShares::jsonb, zh_share_bp = @zhShareBp
            """,
            new
            {
                revision = revision.Revision, volumeBytes = revision.VolumeBytes, recordCount = revision.RecordCount, tokenCount = revision.TokenCount,
                languageShares = revision.LanguageShares, zhShareBp = DatasetValidation.ZhShare(DatasetRow.Shares(revision.LanguageShares)), now,
            },
            cancellationToken))[0];
}
