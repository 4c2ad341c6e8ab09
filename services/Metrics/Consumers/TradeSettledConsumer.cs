using Npgsql;
using Platform.Contracts;
using Platform.Metrics.Caching;
using Platform.Metrics.Data;

namespace Platform.Metrics.Consumers;

internal sealed class TradeSettledConsumer(NpgsqlDataSource dataSource, StaleIndicators stale, ILogger<TradeSettledConsumer> logger)
    : RecordConsumer<TradeSettled>(dataSource, stale, logger)
{
    protected override Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<TradeSettled> messages, CancellationToken cancellationToken) =>
        TradingEventWriter.TradeSettledAsync(connection, transaction, messages, cancellationToken);
}
