using Npgsql;
using Platform.Contracts;
using Platform.Metrics.Caching;
using Platform.Metrics.Data;

namespace Platform.Metrics.Consumers;

internal sealed class ListingDelistedConsumer(NpgsqlDataSource dataSource, StaleIndicators stale, ILogger<ListingDelistedConsumer> logger)
    : RecordConsumer<ListingDelisted>(dataSource, stale, logger)
{
    protected override Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<ListingDelisted> messages, CancellationToken cancellationToken) =>
        TradingEventWriter.ListingDelistedAsync(connection, transaction, messages, cancellationToken);
}
