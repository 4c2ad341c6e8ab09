using MassTransit;
using Npgsql;
using Platform.Infrastructure.Messaging;
using Platform.Metrics.Caching;

namespace Platform.Metrics.Consumers;

/// <summary>
/// Stores one event's record in the same transaction as its inbox entry (a redelivered message is skipped),
/// then invalidates the cached indicators.
/// </summary>
internal abstract class RecordConsumer<T>(NpgsqlDataSource dataSource, TieredCache cache) : IConsumer<T>
    where T : class
{
    public async Task Consume(ConsumeContext<T> context)
    {
        var cancellationToken = context.CancellationToken;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            // A duplicate changes no record, but still invalidates: the first delivery may have committed and then
            // lost its invalidation (a crash in between), and redelivery is what repairs that.
            if (await Inbox.TryBeginAsync(connection, transaction, GetType().Name, context))
            {
                await ApplyAsync(connection, transaction, context.Message, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
        }

        await cache.InvalidateAsync();
    }

    protected abstract Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, T message, CancellationToken cancellationToken);
}
