using Dapper;
using Npgsql;
using Platform.Contracts;
using Platform.Infrastructure.Errors;
using Platform.Infrastructure.Grpc;
using Platform.Infrastructure.Writes;
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
    DateTimeOffset ListedAt,
    int DatasetRevision = 0);

/// <summary>One listing of a write: its index in the request (0 for a single call), request (with its request id) and content.</summary>
internal sealed record ListingToCreate(int Index, WriteItem Item, NewListing Listing);

internal sealed record ListingFilter(string? ExchangeCode, string? ProductKind, ListingStatus? Status, Guid? DatasetId);

internal sealed class ListingRepository(NpgsqlDataSource dataSource, WritePath writes, Infrastructure.Outbox.Outbox outbox, TimeProvider time)
{
    public const string DelistedByProvider = "withdrawn";
    public const string DelistedBecauseRetired = "dataset_retired";

    public async Task<ListingRow?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ListingRow>(new CommandDefinition(
            $"select {ListingRow.Columns} from listings where id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Stores the listings and their <see cref="ListingCreated"/> events through the write path, in one transaction:
    /// all or none. A dataset already actively listed on the exchange is ALREADY_EXISTS; a dataset catalog has retired
    /// since it answered is FAILED_PRECONDITION. Returns the listings in item order.
    /// </summary>
    /// <remarks>
    /// A fixed number of statements whatever the batch size: one advisory-lock query, one check of active listings,
    /// one multi-row insert, one retired-datasets query, one outbox insert.
    /// </remarks>
    public Task<Listing[]> CreateManyAsync(WriteCall call, IReadOnlyList<ListingToCreate> all, ItemNaming naming, CancellationToken cancellationToken) =>
        writes.RunAsync(call, all.Select(i => i.Item).ToArray(), naming, Listing.Parser, async (connection, transaction, fresh) =>
        {
            var items = fresh.Select(k => all[k]).ToArray();
            // Every dataset an item names is locked, OTHER products' too: unlocked, two batches inserting the same datasets
            // in opposite order would wait on each other's uncommitted rows in listings_active_dataset (a deadlock).
            var datasetIds = items.Where(i => i.Listing.DatasetId is not null).Select(i => i.Listing.DatasetId!.Value).Distinct().ToArray();
            if (datasetIds.Length > 0)
            {
                await LockDatasetsAsync(connection, transaction, datasetIds, cancellationToken);
            }

            await RefuseListedAsync(connection, transaction, items, naming, cancellationToken);
            await RefuseRetiredAsync(connection, transaction, items, naming, cancellationToken);

            var now = time.GetUtcNow();
            var ids = Infrastructure.Postgres.UuidV7.Ascending(items.Length, now);
            Dictionary<Guid, ListingRow> inserted;
            try
            {
                inserted = (await connection.QueryAsync<ListingRow>(new CommandDefinition(
                    $"""
                    insert into listings (id, exchange_code, product_kind, dataset_id, name, listed_volume_bytes,
                                          pricing_model, price_fen, status, listed_at, created_at, dataset_revision)
                    select u.id, u.exchange_code, u.product_kind, u.dataset_id, u.name, u.listed_volume_bytes,
                           u.pricing_model, u.price_fen, @active, u.listed_at, @now, nullif(u.dataset_revision, 0)
                    from unnest(@ids, @codes, @kinds, @datasetIds, @names, @volumes, @models, @prices, @listedAts, @revisions)
                        as u(id, exchange_code, product_kind, dataset_id, name, listed_volume_bytes, pricing_model, price_fen, listed_at, dataset_revision)
                    returning {ListingRow.Columns}
                    """,
                    new
                    {
                        ids,
                        codes = items.Select(i => i.Listing.ExchangeCode).ToArray(),
                        kinds = items.Select(i => i.Listing.ProductKind).ToArray(),
                        datasetIds = items.Select(i => i.Listing.DatasetId).ToArray(),
                        names = items.Select(i => i.Listing.Name).ToArray(),
                        volumes = items.Select(i => i.Listing.ListedVolumeBytes).ToArray(),
                        models = items.Select(i => (short)i.Listing.PricingModel).ToArray(),
                        prices = items.Select(i => i.Listing.PriceFen).ToArray(),
                        listedAts = items.Select(i => i.Listing.ListedAt).ToArray(),
                        revisions = items.Select(i => i.Listing.DatasetRevision).ToArray(),
                        active = (short)ListingStatus.Active,
                        now,
                    },
                    transaction,
                    cancellationToken: cancellationToken))).ToDictionary(r => r.Id);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == "listings_active_dataset")
            {
                // Every dataset is locked before RefuseListedAsync, so this is only a safety net.
                throw items.Length == 1
                    ? naming.AlreadyExists(items[0].Index, AlreadyListed(items[0].Listing))
                    : Refusal.AlreadyExists("A dataset of the batch was listed on the same exchange concurrently; retry the batch.");
            }

            var rows = ids.Select(id => inserted[id]).ToArray();
            await outbox.EnqueueManyAsync(connection, transaction,
                rows.Select((row, k) => new ListingCreated(
                    row.Id, row.ExchangeCode, row.ProductKind, row.DatasetId, row.ListedVolumeBytes, items[k].Listing.ListedAt)).ToArray(),
                cancellationToken);
            return rows.Select(row =>
            {
                var listing = row.ToMessage();
                return new Written<Listing>(listing, row.DatasetId is { } dataset ? [listing.Id, dataset.ToString()] : [listing.Id], row.ExchangeCode,
                    Changes: [new RecordChange(listing.Id, null, listing)]);
            }).ToArray();
        }, cancellationToken);

    private static string AlreadyListed(NewListing listing) => $"Dataset '{listing.DatasetId}' is already listed on exchange '{listing.ExchangeCode}'.";

    /// <summary>ALREADY_EXISTS for the first item whose dataset is actively listed on its exchange by another request.</summary>
    private static async Task RefuseListedAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<ListingToCreate> items, ItemNaming naming, CancellationToken cancellationToken)
    {
        var withDataset = items.Where(i => i.Listing.DatasetId is not null).ToArray();
        if (withDataset.Length == 0)
        {
            return;
        }

        var listed = (await connection.QueryAsync<(string ExchangeCode, Guid DatasetId)>(new CommandDefinition(
            """
            select l.exchange_code, l.dataset_id
            from listings l
            join unnest(@codes, @datasetIds) as u(exchange_code, dataset_id)
                on l.exchange_code = u.exchange_code and l.dataset_id = u.dataset_id
            where l.status = @active
            """,
            new
            {
                codes = withDataset.Select(i => i.Listing.ExchangeCode).ToArray(),
                datasetIds = withDataset.Select(i => i.Listing.DatasetId!.Value).ToArray(),
                active = (short)ListingStatus.Active,
            },
            transaction,
            cancellationToken: cancellationToken))).ToHashSet();
        if (withDataset.FirstOrDefault(i => listed.Contains((i.Listing.ExchangeCode, i.Listing.DatasetId!.Value))) is { } taken)
        {
            throw naming.AlreadyExists(taken.Index, AlreadyListed(taken.Listing));
        }
    }

    /// <summary>FAILED_PRECONDITION for the first high-quality item whose dataset catalog has retired; call under the datasets' locks.</summary>
    private static async Task RefuseRetiredAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<ListingToCreate> items, ItemNaming naming, CancellationToken cancellationToken)
    {
        var highQuality = items.Where(i => i.Listing.ProductKind == ProductKinds.HighQualityDataset && i.Listing.DatasetId is not null).ToArray();
        if (highQuality.Length == 0)
        {
            return;
        }

        var retired = (await connection.QueryAsync<Guid>(new CommandDefinition(
            "select dataset_id from retired_datasets where dataset_id = any(@ids)",
            new { ids = highQuality.Select(i => i.Listing.DatasetId!.Value).Distinct().ToArray() },
            transaction,
            cancellationToken: cancellationToken))).ToHashSet();
        if (highQuality.FirstOrDefault(i => retired.Contains(i.Listing.DatasetId!.Value)) is { } item)
        {
            throw naming.FailedPrecondition(item.Index, $"Dataset '{item.Listing.DatasetId}' has been retired from the catalog and cannot be listed.");
        }
    }

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
            "select pg_advisory_xact_lock(hashtextextended(@key, 0))", new { key = LockKey(datasetId) }, transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// <see cref="LockDatasetAsync"/> for several datasets in one statement. The locks are taken in the order of their
    /// lock keys, the same in every transaction, so two batches sharing datasets wait for each other, never deadlock.
    /// </summary>
    private static Task LockDatasetsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid[] datasetIds, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            select pg_advisory_xact_lock(k.key)
            from (select distinct hashtextextended(u.key, 0) as key from unnest(@keys) as u(key) order by 1) as k
            """,
            new { keys = datasetIds.Select(LockKey).ToArray() }, transaction, cancellationToken: cancellationToken));

    private static string LockKey(Guid datasetId) => $"dataset:{datasetId}";

    /// <summary>
    /// Delists the listing with a <see cref="ListingDelisted"/> event, through the write path; an already delisted
    /// listing is answered unchanged, an unknown one is NOT_FOUND.
    /// </summary>
    public Task<Listing> DelistAsync(WriteCall call, WriteItem item, Guid id, string reason, DateTimeOffset delistedAt, CancellationToken cancellationToken) =>
        writes.RunAsync(call, item, Listing.Parser, async (connection, transaction) =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<ListingRow>(new CommandDefinition(
                $"select {ListingRow.Columns} from listings where id = @id for update", new { id }, transaction, cancellationToken: cancellationToken))
                ?? throw Refusal.NotFound("Listing", id.ToString());
            var before = row.ToMessage();
            if (row.Status != (short)ListingStatus.Delisted)
            {
                if (delistedAt < row.ListedAt)
                {
                    throw FieldViolations.Single("delisted_at", "must not be before the listing's listed_at");
                }

                row = await DelistAsync(connection, transaction, row, reason, delistedAt, cancellationToken);
            }

            var listing = row.ToMessage();
            return new Written<Listing>(listing, [listing.Id], row.ExchangeCode, Changes: [new RecordChange(listing.Id, before, listing)]);
        }, cancellationToken);

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
    public Task<IReadOnlyList<ListingRow>> ListAsync(ListingFilter filter, PageKey? after, int limit, CancellationToken cancellationToken) =>
        new KeysetQuery(ListingRow.Columns, "listings", "listed_at")
            .Equal("exchange_code", filter.ExchangeCode)
            .Equal("product_kind", filter.ProductKind)
            .Equal("status", filter.Status is { } status ? (short)status : null)
            .Equal("dataset_id", filter.DatasetId)
            .PageAsync<ListingRow>(dataSource, after, limit, cancellationToken);
}
