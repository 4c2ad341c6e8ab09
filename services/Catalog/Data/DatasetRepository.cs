using Dapper;
using Npgsql;

namespace Platform.Catalog.Data;

internal sealed record DatasetRow(Guid Id, string Name, long VolumeBytes, short Status, DateTime CreatedAt, DateTime UpdatedAt);

internal sealed class DatasetRepository(NpgsqlDataSource dataSource, TimeProvider time)
{
    private const string Columns = "id, name, volume_bytes as VolumeBytes, status, created_at as CreatedAt, updated_at as UpdatedAt";

    /// <summary>Inserts the dataset unless <paramref name="requestId"/> was seen before; returns the stored dataset either way.</summary>
    public async Task<DatasetRow> RegisterAsync(string? requestId, string name, long volumeBytes, short status, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var inserted = await connection.QuerySingleOrDefaultAsync<DatasetRow>(new CommandDefinition(
            $"""
            insert into datasets (id, request_id, name, volume_bytes, status, created_at, updated_at)
            values (@id, @requestId, @name, @volumeBytes, @status, @now, @now)
            on conflict (request_id) do nothing
            returning {Columns}
            """,
            new { id = Guid.CreateVersion7(), requestId, name, volumeBytes, status, now },
            cancellationToken: cancellationToken));
        return inserted ?? await connection.QuerySingleAsync<DatasetRow>(new CommandDefinition(
            $"select {Columns} from datasets where request_id = @requestId", new { requestId }, cancellationToken: cancellationToken));
    }

    public async Task<DatasetRow?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<DatasetRow>(new CommandDefinition(
            $"select {Columns} from datasets where id = @id", new { id }, cancellationToken: cancellationToken));
    }
}
