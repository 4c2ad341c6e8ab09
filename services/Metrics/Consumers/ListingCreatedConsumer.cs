using Npgsql;
using Platform.Contracts;
using Platform.Metrics.Caching;
using Platform.Metrics.Data;

namespace Platform.Metrics.Consumers;

internal sealed class ListingCreatedConsumer(NpgsqlDataSource dataSource, TieredCache cache) : RecordConsumer<ListingCreated>(dataSource, cache)
{
    protected override Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ListingCreated message, CancellationToken cancellationToken) =>
        RecordWriter.ListingCreatedAsync(connection, transaction, message, cancellationToken);
}
