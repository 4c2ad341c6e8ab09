using Npgsql;
using Platform.Contracts;
using Platform.Metrics.Caching;
using Platform.Metrics.Data;

namespace Platform.Metrics.Consumers;

internal sealed class DatasetRegisteredConsumer(NpgsqlDataSource dataSource, TieredCache cache) : RecordConsumer<DatasetRegistered>(dataSource, cache)
{
    protected override Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DatasetRegistered message, CancellationToken cancellationToken) =>
        RecordWriter.DatasetRegisteredAsync(connection, transaction, message, cancellationToken);
}
