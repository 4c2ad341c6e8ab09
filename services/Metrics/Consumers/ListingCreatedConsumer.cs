using MassTransit;
using Npgsql;
using Platform.Contracts;
using Platform.Infrastructure.Messaging;
using Platform.Metrics.Data;

namespace Platform.Metrics.Consumers;

internal sealed class ListingCreatedConsumer(NpgsqlDataSource dataSource, HeadlineCache cache) : IConsumer<ListingCreated>
{
    public async Task Consume(ConsumeContext<ListingCreated> context)
    {
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(context.CancellationToken);
        if (!await Inbox.TryBeginAsync(connection, transaction, nameof(ListingCreatedConsumer), context))
        {
            return;
        }

        await IndicatorStore.RecordListingAsync(connection, transaction, context.Message, context.CancellationToken);
        await transaction.CommitAsync(context.CancellationToken);
        await cache.InvalidateAsync();
    }
}
