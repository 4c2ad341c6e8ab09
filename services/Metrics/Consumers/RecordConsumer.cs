using System.Diagnostics;
using System.Runtime.ExceptionServices;
using MassTransit;
using Npgsql;
using Platform.Infrastructure.Messaging;
using Platform.Metrics.Caching;

namespace Platform.Metrics.Consumers;

/// <summary>
/// Stores a batch of events' records in one transaction with their inbox entries (messages this consumer already
/// processed are skipped; the others are applied in delivery order), then marks the cached indicators stale once (<see cref="StaleIndicators"/>).
/// </summary>
/// <remarks>
/// A batch that fails for a reason other than a transient database error (say, one event violates a constraint) is
/// applied again one message at a time, each in its own transaction: the good messages are stored and acknowledged,
/// and the exception of the first bad one is rethrown, so the endpoint's retry policy retries the batch as before
/// (the stored messages are skipped by the inbox) and, once the retries are spent, the bad messages fault to the error
/// queue. MassTransit does not fault a message reported consumed in that attempt; a good message regrouped with the bad
/// one on a later attempt may fault with it, stored all the same (replaying it from the error queue is a no-op).
/// </remarks>
internal abstract partial class RecordConsumer<T>(NpgsqlDataSource dataSource, StaleIndicators stale, ILogger logger) : IConsumer<Batch<T>>
    where T : class
{
    private string Name => GetType().Name;

    public async Task Consume(ConsumeContext<Batch<T>> context)
    {
        var messages = context.Message;
        try
        {
            await ApplyBatchAsync(messages, context.CancellationToken);
        }
        catch (Exception ex) when (messages.Length > 1 && !IsTransient(ex))
        {
            LogBatchFailed(logger, Name, messages.Length, ex);
            await ApplyOneByOneAsync(messages, context.CancellationToken);
            return;
        }

        // A batch of duplicates changes no record, but still invalidates: the first delivery may have committed and
        // then lost its invalidation (a crash in between), and redelivery is what repairs that.
        await stale.MarkStaleAsync();
    }

    protected abstract Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<T> messages, CancellationToken cancellationToken);

    private async Task ApplyBatchAsync(Batch<T> messages, CancellationToken cancellationToken)
    {
        var ids = new Guid[messages.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = messages[i].MessageId ?? throw new InvalidOperationException($"{Name} received a message without a message id.");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var claimed = await Inbox.TryBeginManyAsync(connection, transaction, Name, ids, cancellationToken);
        if (claimed.Count == 0)
        {
            return;
        }

        var fresh = new List<T>(claimed.Count);
        for (var i = 0; i < ids.Length; i++)
        {
            // Remove: a message id that occurs twice in the batch is applied once.
            if (claimed.Remove(ids[i]))
            {
                fresh.Add(messages[i].Message);
            }
        }

        await ApplyAsync(connection, transaction, fresh, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task ApplyOneByOneAsync(Batch<T> messages, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var stored = new List<ConsumeContext<T>>(messages.Length);
        Exception? failure = null;
        try
        {
            foreach (var message in messages)
            {
                try
                {
                    await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                    await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                    if (await Inbox.TryBeginAsync(connection, transaction, Name, message))
                    {
                        await ApplyAsync(connection, transaction, [message.Message], cancellationToken);
                        await transaction.CommitAsync(cancellationToken);
                    }

                    stored.Add(message);
                }
                catch (Exception ex) when (!IsTransient(ex))
                {
                    LogMessageFailed(logger, Name, message.MessageId, ex);
                    failure ??= ex;
                }
            }
        }
        finally
        {
            await stale.MarkStaleAsync();
        }

        if (failure is null)
        {
            return;
        }

        // Reported consumed, these are acknowledged when the batch fails; only the bad ones are retried and faulted.
        var elapsed = Stopwatch.GetElapsedTime(started);
        foreach (var message in stored)
        {
            await message.NotifyConsumed(message, elapsed, Name);
        }

        ExceptionDispatchInfo.Throw(failure);
    }

    /// <summary>Failures the endpoint retries without limit (see AddMessaging): no reason to split the batch for them.</summary>
    private static bool IsTransient(Exception ex) =>
        ex is NpgsqlException { IsTransient: true } or TimeoutException or OperationCanceledException;

    [LoggerMessage(LogLevel.Warning, "{Consumer}: a batch of {Count} messages failed; applying them one at a time")]
    private static partial void LogBatchFailed(ILogger logger, string consumer, int count, Exception exception);

    [LoggerMessage(LogLevel.Warning, "{Consumer}: message {MessageId} failed; the rest of its batch is stored")]
    private static partial void LogMessageFailed(ILogger logger, string consumer, Guid? messageId, Exception exception);
}

/// <summary>
/// Batch settings of the record consumers. A batch is delivered when it is full or 20 ms after its first message,
/// so a lone event is still reflected at once; two batches may be applied concurrently (one per core).
/// </summary>
internal sealed class RecordConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    public const int MessageLimit = 200;
    public const int ConcurrencyLimit = 2;

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context)
    {
        consumerConfigurator.Options<BatchOptions>(options => options
            .SetMessageLimit(MessageLimit)
            .SetTimeLimit(TimeSpan.FromMilliseconds(20))
            .SetConcurrencyLimit(ConcurrencyLimit));

        // Enough unacknowledged messages in hand to fill every concurrent batch (BatchOptions raises it as well).
        endpointConfigurator.PrefetchCount = Math.Max(endpointConfigurator.PrefetchCount, MessageLimit * ConcurrencyLimit);
    }
}
