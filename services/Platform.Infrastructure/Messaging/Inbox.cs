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
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            "insert into processed_messages (consumer, message_id) values (@consumer, @messageId) on conflict do nothing",
            new { consumer, messageId },
            transaction,
            cancellationToken: context.CancellationToken));
        return inserted == 1;
    }
}
