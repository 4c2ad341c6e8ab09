using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Platform.Infrastructure.Outbox;

/// <summary>
/// Writes integration events into the service's <c>outbox_messages</c> table inside the caller's transaction,
/// so an event exists exactly when the change it describes was committed. <see cref="OutboxRelay"/> publishes them.
/// </summary>
public sealed class Outbox(OutboxSignal signal)
{
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>Adds <paramref name="message"/> to the outbox; returns the id it will be published with (its MassTransit message id).</summary>
    public async Task<Guid> EnqueueAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, T message, CancellationToken cancellationToken)
        where T : class =>
        (await EnqueueManyAsync(connection, transaction, [message], cancellationToken))[0];

    /// <summary>
    /// Adds <paramref name="messages"/> to the outbox in one statement; returns their ids in list order. The ids
    /// ascend in list order, so the relay (oldest transaction first, then id) publishes them in that order.
    /// </summary>
    public async Task<Guid[]> EnqueueManyAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<T> messages, CancellationToken cancellationToken)
        where T : class
    {
        if (messages.Count == 0)
        {
            return [];
        }

        var ids = Postgres.UuidV7.Ascending(messages.Count);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            insert into outbox_messages (id, message_type, payload, trace_parent)
            select m.id, @type, m.payload::jsonb, @traceParent from unnest(@ids, @payloads) as m(id, payload)
            """,
            new
            {
                ids,
                payloads = messages.Select(m => JsonSerializer.Serialize(m, JsonOptions)).ToArray(),
                type = typeof(T).FullName,
                traceParent = Activity.Current?.Id,
            },
            transaction,
            cancellationToken: cancellationToken));
        return ids;
    }

    /// <summary>Tells the relay that committed messages are waiting, so they go out now rather than at the next poll.</summary>
    public void NotifyCommitted() => signal.Notify();
}

/// <summary>Wakes the relay when a transaction with outbox messages commits.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
