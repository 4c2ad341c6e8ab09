using Npgsql;
using Platform.Contracts;
using Platform.Metrics.Caching;
using Platform.Metrics.Data;

namespace Platform.Metrics.Consumers;

internal sealed class TradeSettledConsumer(NpgsqlDataSource dataSource, TieredCache cache) : RecordConsumer<TradeSettled>(dataSource, cache)
{
    protected override Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, TradeSettled message, CancellationToken cancellationToken) =>
        RecordWriter.TradeSettledAsync(connection, transaction, message, cancellationToken);
}
