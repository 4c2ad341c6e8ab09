using Npgsql;
using Platform.Contracts;
using Platform.Metrics.Caching;
using Platform.Metrics.Data;

namespace Platform.Metrics.Consumers;

internal sealed class DatasetRetiredConsumer(NpgsqlDataSource dataSource, StaleIndicators stale, ILogger<DatasetRetiredConsumer> logger)
    : RecordConsumer<DatasetRetired>(dataSource, stale, logger)
{
    protected override Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<DatasetRetired> messages, CancellationToken cancellationToken) =>
        DatasetEventWriter.DatasetRetiredAsync(connection, transaction, messages, cancellationToken);
}
