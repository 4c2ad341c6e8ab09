using Npgsql;
using Platform.Contracts;
using Platform.Metrics.Caching;
using Platform.Metrics.Data;

namespace Platform.Metrics.Consumers;

internal sealed class DatasetCertifiedConsumer(NpgsqlDataSource dataSource, StaleIndicators stale, ILogger<DatasetCertifiedConsumer> logger)
    : RecordConsumer<DatasetCertified>(dataSource, stale, logger)
{
    protected override Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<DatasetCertified> messages, CancellationToken cancellationToken) =>
        DatasetEventWriter.DatasetCertifiedAsync(connection, transaction, messages, cancellationToken);
}
