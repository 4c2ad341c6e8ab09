using Npgsql;
using Platform.Contracts;
using Platform.Metrics.Caching;
using Platform.Metrics.Data;

namespace Platform.Metrics.Consumers;

internal sealed class ListingCreatedConsumer(NpgsqlDataSource dataSource, StaleIndicators stale, ILogger<ListingCreatedConsumer> logger)
    : RecordConsumer<ListingCreated>(dataSource, stale, logger)
{
    protected override Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<ListingCreated> messages, CancellationToken cancellationToken) =>
        TradingEventWriter.ListingCreatedAsync(connection, transaction, messages, cancellationToken);
}
