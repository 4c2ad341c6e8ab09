using MassTransit;
using Npgsql;
using Platform.Contracts;
using Platform.Infrastructure.Messaging;
using Platform.Trading.Data;

namespace Platform.Trading.Consumers;

/// <summary>A retired dataset is no longer high-quality: every active listing of it is delisted, each with its event.</summary>
internal sealed class DatasetRetiredConsumer(NpgsqlDataSource dataSource, ListingRepository listings) : IConsumer<DatasetRetired>
{
    public async Task Consume(ConsumeContext<DatasetRetired> context)
    {
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(context.CancellationToken);
        if (!await Inbox.TryBeginAsync(connection, transaction, nameof(DatasetRetiredConsumer), context))
        {
            return;
        }

        await ListingRepository.RecordRetirementAsync(
            connection, transaction, context.Message.DatasetId, context.Message.RetiredAt.ToUniversalTime(), context.CancellationToken);
        var delisted = await listings.DelistDatasetAsync(
            connection, transaction, context.Message.DatasetId, context.Message.RetiredAt.ToUniversalTime(), context.CancellationToken);
        await transaction.CommitAsync(context.CancellationToken);
        if (delisted > 0)
        {
            listings.NotifyCommitted();
        }
    }
}
