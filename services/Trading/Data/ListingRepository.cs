using Dapper;
using Npgsql;
using Platform.Contracts;

namespace Platform.Trading.Data;

internal sealed record ListingRow(Guid Id, string ExchangeCode, Guid DatasetId, long ListedVolumeBytes, DateTime CreatedAt);

internal sealed class ListingRepository(NpgsqlDataSource dataSource, Infrastructure.Outbox.Outbox outbox, TimeProvider time)
{
    private const string Columns = "id, exchange_code as ExchangeCode, dataset_id as DatasetId, listed_volume_bytes as ListedVolumeBytes, created_at as CreatedAt";

    /// <summary>Stores the listing and its <see cref="ListingCreated"/> event in one transaction; a repeated request id returns the first listing.</summary>
    public async Task<ListingRow> CreateAsync(string? requestId, string exchangeCode, Guid datasetId, long volumeBytes, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await connection.QuerySingleOrDefaultAsync<ListingRow>(new CommandDefinition(
            $"""
            insert into listings (id, request_id, exchange_code, dataset_id, listed_volume_bytes, created_at)
            values (@id, @requestId, @exchangeCode, @datasetId, @volumeBytes, @now)
            on conflict (request_id) do nothing
            returning {Columns}
            """,
            new { id = Guid.CreateVersion7(), requestId, exchangeCode, datasetId, volumeBytes, now },
            transaction,
            cancellationToken: cancellationToken));
        if (inserted is null)
        {
            return await connection.QuerySingleAsync<ListingRow>(new CommandDefinition(
                $"select {Columns} from listings where request_id = @requestId", new { requestId }, transaction, cancellationToken: cancellationToken));
        }

        await outbox.EnqueueAsync(connection, transaction,
            new ListingCreated(inserted.Id, inserted.ExchangeCode, ProductKinds.HighQualityDataset, inserted.DatasetId, inserted.ListedVolumeBytes, now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbox.NotifyCommitted();
        return inserted;
    }

    public async Task<ListingRow?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ListingRow>(new CommandDefinition(
            $"select {Columns} from listings where id = @id", new { id }, cancellationToken: cancellationToken));
    }
}
