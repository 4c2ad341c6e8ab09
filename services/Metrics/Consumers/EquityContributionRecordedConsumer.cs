using Npgsql;
using Platform.Contracts;
using Platform.Metrics.Caching;
using Platform.Metrics.Data;

namespace Platform.Metrics.Consumers;

internal sealed class EquityContributionRecordedConsumer(NpgsqlDataSource dataSource, StaleIndicators stale, ILogger<EquityContributionRecordedConsumer> logger)
    : RecordConsumer<EquityContributionRecorded>(dataSource, stale, logger)
{
    protected override Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EquityContributionRecorded> messages, CancellationToken cancellationToken) =>
        TradingEventWriter.EquityContributionRecordedAsync(connection, transaction, messages, cancellationToken);
}
