using Npgsql;
using Platform.Contracts;
using Platform.Metrics.Caching;
using Platform.Metrics.Data;

namespace Platform.Metrics.Consumers;

internal sealed class EquityContributionRecordedConsumer(NpgsqlDataSource dataSource, IndicatorCache cache, ILogger<EquityContributionRecordedConsumer> logger)
    : RecordConsumer<EquityContributionRecorded>(dataSource, cache, logger)
{
    protected override Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EquityContributionRecorded> messages, CancellationToken cancellationToken) =>
        TradingEventWriter.EquityContributionRecordedAsync(connection, transaction, messages, cancellationToken);
}
