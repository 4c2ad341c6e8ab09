using Npgsql;
using Platform.Contracts;
using Platform.Metrics.Caching;
using Platform.Metrics.Data;

namespace Platform.Metrics.Consumers;

internal sealed class DatasetRegisteredConsumer(NpgsqlDataSource dataSource, TieredCache cache, ILogger<DatasetRegisteredConsumer> logger)
    : RecordConsumer<DatasetRegistered>(dataSource, cache, logger)
{
    protected override Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<DatasetRegistered> messages, CancellationToken cancellationToken) =>
        RecordWriter.DatasetRegisteredAsync(connection, transaction, messages, cancellationToken);
}
