using Npgsql;
using Platform.Contracts;
using Platform.Metrics.Caching;
using Platform.Metrics.Data;

namespace Platform.Metrics.Consumers;

internal sealed class DatasetUpdatedConsumer(NpgsqlDataSource dataSource, TieredCache cache) : RecordConsumer<DatasetUpdated>(dataSource, cache)
{
    protected override Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DatasetUpdated message, CancellationToken cancellationToken) =>
        RecordWriter.DatasetUpdatedAsync(connection, transaction, message, cancellationToken);
}
