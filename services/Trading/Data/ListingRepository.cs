using System.Text;
using Dapper;
using Npgsql;
using Platform.Contracts;
using Platform.Infrastructure.Grpc;
using Platform.Trading.Domain;
using Platform.Trading.V1;

namespace Platform.Trading.Data;

internal sealed record NewListing(
    string ExchangeCode,
    string ProductKind,
    Guid? DatasetId,
    string Name,
    long ListedVolumeBytes,
    PricingModel PricingModel,
    long PriceFen,
    DateTimeOffset ListedAt);

internal sealed record ListingFilter(string? ExchangeCode, string? ProductKind, ListingStatus? Status, Guid? DatasetId);

internal sealed class ListingRepository(NpgsqlDataSource dataSource, Infrastructure.Outbox.Outbox outbox, TimeProvider time)
{
    public const string DelistedByProvider = "withdrawn";
    public const string DelistedBecauseRetired = "dataset_retired";

    public async Task<ListingRow?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ListingRow>(new CommandDefinition(
            $"select {ListingRow.Columns} from listings where id = @id", new { id }, cancellationToken: cancellationToken));
    }

    public async Task<ListingRow?> FindByRequestAsync(string requestId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ListingRow>(new CommandDefinition(
            $"select {ListingRow.Columns} from listings where request_id = @requestId", new { requestId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Stores the listing and its <see cref="ListingCreated"/> event in one transaction; a repeated request id
    /// returns the first listing; a dataset already actively listed on the exchange is ALREADY_EXISTS.
    /// </summary>
    public async Task<ListingRow> CreateAsync(string? requestId, NewListing listing, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var highQuality = listing.ProductKind == ProductKinds.HighQualityDataset && listing.DatasetId is not null;
        if (highQuality)
        {
            await LockDatasetAsync(connection, transaction, listing.DatasetId!.Value, cancellationToken);
        }

        ListingRow? inserted;
        try
        {
            inserted = await connection.QuerySingleOrDefaultAsync<ListingRow>(new CommandDefinition(
                $"""
                insert into listings (id, request_id, exchange_code, product_kind, dataset_id, name, listed_volume_bytes,
                                      pricing_model, price_fen, status, listed_at, created_at)
                values (@id, @requestId, @ExchangeCode, @ProductKind, @DatasetId, @Name, @ListedVolumeBytes,
                        @pricingModel, @PriceFen, @active, @ListedAt, @now)
                on conflict (request_id) do nothing
                returning {ListingRow.Columns}
                """,
                new
                {
                    id = Guid.CreateVersion7(),
                    requestId,
                    listing.ExchangeCode,
                    listing.ProductKind,
                    listing.DatasetId,
                    listing.Name,
                    listing.ListedVolumeBytes,
                    pricingModel = (short)listing.PricingModel,
                    listing.PriceFen,
                    active = (short)ListingStatus.Active,
                    listing.ListedAt,
                    now = time.GetUtcNow(),
                },
                transaction,
                cancellationToken: cancellationToken));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == "listings_active_dataset")
        {
            throw GrpcErrors.AlreadyExists($"Dataset '{listing.DatasetId}' is already listed on exchange '{listing.ExchangeCode}'.");
        }

        if (inserted is null)
        {
            return await connection.QuerySingleAsync<ListingRow>(new CommandDefinition(
                $"select {ListingRow.Columns} from listings where request_id = @requestId", new { requestId }, transaction, cancellationToken: cancellationToken));
        }

        // Catalog said CERTIFIED, but a retirement may have been consumed since: checked under the dataset's lock.
        if (highQuality && await IsRetiredAsync(connection, transaction, listing.DatasetId!.Value, cancellationToken))
        {
            throw GrpcErrors.FailedPrecondition($"Dataset '{listing.DatasetId}' has been retired from the catalog and cannot be listed.");
        }

        await outbox.EnqueueAsync(connection, transaction,
            new ListingCreated(inserted.Id, inserted.ExchangeCode, inserted.ProductKind, inserted.DatasetId, inserted.ListedVolumeBytes, listing.ListedAt),
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbox.NotifyCommitted();
        return inserted;
    }

    /// <summary>Whether catalog has retired the dataset; call under the dataset's lock (<see cref="LockDatasetAsync"/>).</summary>
    private static async Task<bool> IsRetiredAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid datasetId, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from retired_datasets where dataset_id = @datasetId)", new { datasetId }, transaction, cancellationToken: cancellationToken));

    /// <summary>Records that catalog retired the dataset, under the dataset's lock, before its listings are delisted.</summary>
    public static async Task RecordRetirementAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid datasetId, DateTimeOffset retiredAt, CancellationToken cancellationToken)
    {
        await LockDatasetAsync(connection, transaction, datasetId, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "insert into retired_datasets (dataset_id, retired_at) values (@datasetId, @retiredAt) on conflict do nothing",
            new { datasetId, retiredAt }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Serialises a new listing of a dataset with the consumption of its retirement: whichever comes second sees the
    /// other (the listing is refused, or the retirement finds the listing and delists it).
    /// </summary>
    private static Task LockDatasetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid datasetId, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "select pg_advisory_xact_lock(hashtextextended(@key, 0))", new { key = $"dataset:{datasetId}" }, transaction, cancellationToken: cancellationToken));

    /// <summary>Delists the listing with a <see cref="ListingDelisted"/> event; an already delisted listing is returned unchanged.</summary>
    public async Task<ListingRow?> DelistAsync(Guid id, string reason, DateTimeOffset delistedAt, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ListingRow>(new CommandDefinition(
            $"select {ListingRow.Columns} from listings where id = @id for update", new { id }, transaction, cancellationToken: cancellationToken));
        if (row is null || row.Status == (short)ListingStatus.Delisted)
        {
            return row;
        }

        if (delistedAt < row.ListedAt)
        {
            throw FieldViolations.Single("delisted_at", "must not be before the listing's listed_at");
        }

        var delisted = await DelistAsync(connection, transaction, row, reason, delistedAt, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbox.NotifyCommitted();
        return delisted;
    }

    /// <summary>
    /// Delists every active listing of a retired dataset, each with its event, inside the caller's transaction.
    /// A listing placed after the retirement time (a replay out of order) is delisted at its own listing time.
    /// </summary>
    public async Task<int> DelistDatasetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid datasetId, DateTimeOffset retiredAt, CancellationToken cancellationToken)
    {
        var rows = (await connection.QueryAsync<ListingRow>(new CommandDefinition(
            $"select {ListingRow.Columns} from listings where dataset_id = @datasetId and status = @active order by id for update",
            new { datasetId, active = (short)ListingStatus.Active },
            transaction,
            cancellationToken: cancellationToken))).AsList();
        foreach (var row in rows)
        {
            var listedAt = new DateTimeOffset(row.ListedAt, TimeSpan.Zero);
            await DelistAsync(connection, transaction, row, DelistedBecauseRetired, retiredAt < listedAt ? listedAt : retiredAt, cancellationToken);
        }

        return rows.Count;
    }

    public void NotifyCommitted() => outbox.NotifyCommitted();

    private async Task<ListingRow> DelistAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ListingRow row, string reason, DateTimeOffset delistedAt, CancellationToken cancellationToken)
    {
        var delisted = await connection.QuerySingleAsync<ListingRow>(new CommandDefinition(
            $"""
            update listings set status = @delisted, delisted_at = @delistedAt, delist_reason = @reason
            where id = @Id
            returning {ListingRow.Columns}
            """,
            new { row.Id, delisted = (short)ListingStatus.Delisted, delistedAt, reason },
            transaction,
            cancellationToken: cancellationToken));
        await outbox.EnqueueAsync(connection, transaction,
            new ListingDelisted(row.Id, row.ExchangeCode, row.ProductKind, row.DatasetId, row.ListedVolumeBytes, reason, delistedAt),
            cancellationToken);
        return delisted;
    }

    /// <summary>One page in (listed_at, id) order, after <paramref name="after"/>; fetches one more row to know whether another page follows.</summary>
    public async Task<IReadOnlyList<ListingRow>> ListAsync(ListingFilter filter, PageToken? after, int limit, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"select {ListingRow.Columns} from listings where true");
        var parameters = new DynamicParameters();
        if (filter.ExchangeCode is not null)
        {
            sql.Append(" and exchange_code = @exchangeCode");
            parameters.Add("exchangeCode", filter.ExchangeCode);
        }

        if (filter.ProductKind is not null)
        {
            sql.Append(" and product_kind = @productKind");
            parameters.Add("productKind", filter.ProductKind);
        }

        if (filter.Status is { } status)
        {
            sql.Append(" and status = @status");
            parameters.Add("status", (short)status);
        }

        if (filter.DatasetId is not null)
        {
            sql.Append(" and dataset_id = @datasetId");
            parameters.Add("datasetId", filter.DatasetId);
        }

        if (after is not null)
        {
            sql.Append(" and (listed_at, id) > (@afterAt, @afterId)");
            parameters.Add("afterAt", after.After);
            parameters.Add("afterId", after.AfterId);
        }

        sql.Append(" order by listed_at, id limit @limit");
        parameters.Add("limit", limit);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<ListingRow>(new CommandDefinition(sql.ToString(), parameters, cancellationToken: cancellationToken))).AsList();
    }
}
