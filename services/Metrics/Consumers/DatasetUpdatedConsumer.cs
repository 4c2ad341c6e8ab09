using Npgsql;
using Platform.Contracts;
using Platform.Metrics.Caching;
using Platform.Metrics.Data;

namespace Platform.Metrics.Consumers;

internal sealed class DatasetUpdatedConsumer(NpgsqlDataSource dataSource, StaleIndicators stale, ILogger<DatasetUpdatedConsumer> logger)
    : RecordConsumer<DatasetUpdated>(dataSource, stale, logger)
{
    protected override Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<DatasetUpdated> messages, CancellationToken cancellationToken) =>
        DatasetEventWriter.DatasetUpdatedAsync(connection, transaction, messages, cancellationToken);
}
