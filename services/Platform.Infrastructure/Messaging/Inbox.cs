using Dapper;
using MassTransit;
using Npgsql;

namespace Platform.Infrastructure.Messaging;

/// <summary>
/// Idempotent consumption: a consumer records the message id in <c>processed_messages</c> in the same
/// transaction as its change, so a redelivered or replayed message is recognised and skipped.
/// </summary>
public static class Inbox
{
    /// <summary>Returns <c>false</c> when <paramref name="consumer"/> already processed this message.</summary>
    public static async Task<bool> TryBeginAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string consumer, ConsumeContext context)
    {
        var messageId = context.MessageId
            ?? throw new InvalidOperationException($"{consumer} received a message without a message id.");
        return (await TryBeginManyAsync(connection, transaction, consumer, [messageId], context.CancellationToken)).Count == 1;
    }

    /// <summary>
    /// For a batch: records every message id in one statement and returns the ids <paramref name="consumer"/> had not
    /// processed yet (a duplicate id in the list is claimed once).
    /// </summary>
    public static async Task<HashSet<Guid>> TryBeginManyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string consumer, IReadOnlyCollection<Guid> messageIds,
        CancellationToken cancellationToken)
    {
        if (messageIds.Count == 0)
        {
            return [];
        }

        // Ordered so that concurrent batches lock index entries in the same order (no deadlock between them).
        var claimed = await connection.QueryAsync<Guid>(new CommandDefinition(
            """
            insert into processed_messages (consumer, message_id)
            select @consumer, id from unnest(@messageIds) as ids(id) order by id
            on conflict do nothing
            returning message_id
            """,
            new { consumer, messageIds = messageIds as Guid[] ?? messageIds.ToArray() },
            transaction,
            cancellationToken: cancellationToken));
        return claimed.ToHashSet();
    }
}
