using Npgsql;
using Platform.Contracts;
using Platform.Metrics.Caching;
using Platform.Metrics.Data;

namespace Platform.Metrics.Consumers;

internal sealed class DatasetRetiredConsumer(NpgsqlDataSource dataSource, TieredCache cache) : RecordConsumer<DatasetRetired>(dataSource, cache)
{
    protected override Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DatasetRetired message, CancellationToken cancellationToken) =>
        RecordWriter.DatasetRetiredAsync(connection, transaction, message, cancellationToken);
}
