using Npgsql;
using Platform.Contracts;
using Platform.Metrics.Caching;
using Platform.Metrics.Data;

namespace Platform.Metrics.Consumers;

internal sealed class ListingDelistedConsumer(NpgsqlDataSource dataSource, TieredCache cache) : RecordConsumer<ListingDelisted>(dataSource, cache)
{
    protected override Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ListingDelisted message, CancellationToken cancellationToken) =>
        RecordWriter.ListingDelistedAsync(connection, transaction, message, cancellationToken);
}
