using Dapper;
using Npgsql;
using Platform.Catalog.V1;
using Platform.Infrastructure.Errors;
using Platform.Infrastructure.Writes;

namespace Platform.Catalog.Data;

/// <summary>
/// Datasets derived from others (<c>dataset_sources</c>): named through the write path, read both ways. Lineage
/// changes take one transaction-level lock, so two concurrent changes cannot each pass the cycle check and make a cycle
/// together (they are rare: a provider naming the sources of a corpus).
/// </summary>
internal sealed class LineageStore(NpgsqlDataSource dataSource, WritePath writes, TimeProvider time)
{
    public const int MaxSources = 100;

    public Task<DatasetLineage> SetSourcesAsync(WriteCall call, WriteItem item, Guid id, Guid[] sources, CancellationToken cancellationToken) =>
        writes.RunAsync(call, item, DatasetLineage.Parser, async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition("select pg_advisory_xact_lock(hashtext('catalog:dataset-lineage'))", transaction: transaction, cancellationToken: cancellationToken));
            var owner = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
                "select provider_organisation from datasets where id = @id", new { id }, transaction, cancellationToken: cancellationToken))
                ?? throw Refusal.NotFound("Dataset", id.ToString());
            var found = (await connection.QueryAsync<Guid>(new CommandDefinition(
                "select id from datasets where id = any(@sources)", new { sources }, transaction, cancellationToken: cancellationToken))).ToHashSet();
            if (sources.FirstOrDefault(s => !found.Contains(s)) is var missing && missing != Guid.Empty)
            {
                throw Refusal.NotFound("Dataset", missing.ToString());
            }

            // A cycle: the dataset is among the sources' own sources, at any depth.
            var through = await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
                """
                with recursive ancestors(start, id) as (
                    select s, s from unnest(@sources::uuid[]) as s
                    union
                    select a.start, d.source_id from dataset_sources d join ancestors a on d.dataset_id = a.id
                )
                select start from ancestors where id = @id limit 1
                """, new { id, sources }, transaction, cancellationToken: cancellationToken));
            if (through is { } source)
            {
                throw Refusal.FailedPrecondition(
                    $"Dataset '{id}' cannot be derived from '{source}': '{source}' is derived from '{id}' (directly or through others), and lineage has no cycles.");
            }

            await connection.ExecuteAsync(new CommandDefinition(
                """
                delete from dataset_sources where dataset_id = @id and source_id <> all(@sources);
                insert into dataset_sources (dataset_id, source_id, named_at) select @id, s, @now from unnest(@sources::uuid[]) as s
                on conflict (dataset_id, source_id) do nothing;
                """, new { id, sources, now = time.GetUtcNow() }, transaction, cancellationToken: cancellationToken));
            var lineage = await ReadAsync(connection, transaction, id, cancellationToken);
            return new Written<DatasetLineage>(lineage, [id.ToString(), .. sources.Select(s => s.ToString())], owner);
        }, cancellationToken);

    public async Task<DatasetLineage> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(connection, null, id, cancellationToken);
    }

    private static async Task<DatasetLineage> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid id, CancellationToken cancellationToken)
    {
        var sources = await connection.QueryAsync<(Guid SourceId, DateTime? RetiredAt)>(new CommandDefinition(
            "select source_id, source_retired_at from dataset_sources where dataset_id = @id order by source_id", new { id }, transaction, cancellationToken: cancellationToken));
        var derivatives = await connection.QueryAsync<Guid>(new CommandDefinition(
            "select dataset_id from dataset_sources where source_id = @id order by dataset_id", new { id }, transaction, cancellationToken: cancellationToken));
        var lineage = new DatasetLineage { DatasetId = id.ToString(), DerivativeIds = { derivatives.Select(d => d.ToString()) } };
        foreach (var (sourceId, retiredAt) in sources)
        {
            lineage.Sources.Add(new LineageSource
            {
                DatasetId = sourceId.ToString(),
                RetiredAt = DatasetRow.Time(retiredAt),
            });
        }

        lineage.NeedsReview = lineage.Sources.Any(s => s.RetiredAt is not null);
        return lineage;
    }
}
