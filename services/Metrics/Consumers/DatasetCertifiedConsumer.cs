using Npgsql;
using Platform.Contracts;
using Platform.Metrics.Caching;
using Platform.Metrics.Data;

namespace Platform.Metrics.Consumers;

internal sealed class DatasetCertifiedConsumer(NpgsqlDataSource dataSource, TieredCache cache) : RecordConsumer<DatasetCertified>(dataSource, cache)
{
    protected override Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DatasetCertified message, CancellationToken cancellationToken) =>
        RecordWriter.DatasetCertifiedAsync(connection, transaction, message, cancellationToken);
}
