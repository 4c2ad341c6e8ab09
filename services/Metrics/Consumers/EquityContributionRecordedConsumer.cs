using Npgsql;
using Platform.Contracts;
using Platform.Metrics.Caching;
using Platform.Metrics.Data;

namespace Platform.Metrics.Consumers;

internal sealed class EquityContributionRecordedConsumer(NpgsqlDataSource dataSource, TieredCache cache) : RecordConsumer<EquityContributionRecorded>(dataSource, cache)
{
    protected override Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, EquityContributionRecorded message, CancellationToken cancellationToken) =>
        RecordWriter.EquityContributionRecordedAsync(connection, transaction, message, cancellationToken);
}
