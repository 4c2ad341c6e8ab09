using Dapper;
using Npgsql;
using Platform.Contracts;

namespace Platform.Metrics.Data;

internal sealed record HeadlineSnapshot(long ListedBytes, long ListingCount, DateTimeOffset AsOf);

/// <summary>The records the indicators are computed from, and the computation.</summary>
internal sealed class IndicatorStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    public async Task<HeadlineSnapshot> ComputeHeadlineAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var (bytes, count) = await connection.QuerySingleAsync<(long, long)>(new CommandDefinition(
            "select coalesce(sum(listed_volume_bytes), 0)::bigint, count(*) from listings where product_kind = 'high_quality_dataset'", cancellationToken: cancellationToken));
        return new HeadlineSnapshot(bytes, count, time.GetUtcNow());
    }

    public static Task RecordListingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ListingCreated listing, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            insert into listings (listing_id, product_kind, dataset_id, exchange_code, listed_volume_bytes, listed_at)
            values (@ListingId, @ProductKind, @DatasetId, @ExchangeCode, @ListedVolumeBytes, @ListedAt)
            on conflict (listing_id) do nothing
            """,
            listing,
            transaction,
            cancellationToken: cancellationToken));
}
