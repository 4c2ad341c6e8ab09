using Npgsql;
using Platform.Contracts;
using Platform.Metrics.Caching;
using Platform.Metrics.Data;

namespace Platform.Metrics.Consumers;

internal sealed class DatasetRetiredConsumer(NpgsqlDataSource dataSource, IndicatorCache cache, ILogger<DatasetRetiredConsumer> logger)
    : RecordConsumer<DatasetRetired>(dataSource, cache, logger)
{
    protected override Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<DatasetRetired> messages, CancellationToken cancellationToken) =>
        DatasetEventWriter.DatasetRetiredAsync(connection, transaction, messages, cancellationToken);
}
