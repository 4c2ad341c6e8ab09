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
    /// ascend in list order, so the relay (oldest transaction first, then id) publishes them in that order. Each carries
    /// the current trace context; in a <see cref="Writes.BatchWork"/> run for several calls, its item's call's:
    /// <paramref name="items"/> gives each message's item (its position in the work's list), null when message k is
    /// item k's.
    /// </summary>
    public async Task<Guid[]> EnqueueManyAsync<T>(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<T> messages, CancellationToken cancellationToken, IReadOnlyList<int>? items = null)
        where T : class
    {
        if (messages.Count == 0)
        {
            return [];
        }

        var ids = Postgres.UuidV7.Ascending(messages.Count);
        var current = Activity.Current?.Id;
        await connection.ExecuteAsync(new CommandDefinition(
            """
            insert into outbox_messages (id, message_type, payload, trace_parent)
            select m.id, @type, m.payload::json, m.trace_parent from unnest(@ids, @payloads, @traceParents) as m(id, payload, trace_parent)
            """,
            new
            {
                ids,
                payloads = messages.Select(m => JsonSerializer.Serialize(m, JsonOptions)).ToArray(),
                type = typeof(T).FullName,
                traceParents = CurrentItemTraces.Value is { } traces
                    ? messages.Select((_, k) => traces[items?[k] ?? k]).ToArray()
                    : messages.Select(_ => current).ToArray(),
            },
            transaction,
            cancellationToken: cancellationToken));
        return ids;
    }

    private static readonly AsyncLocal<string?[]?> CurrentItemTraces = new();

    /// <summary>
    /// While a <see cref="Writes.BatchWork"/> runs the items of several calls, each message enqueued for an item carries
    /// that item's call's trace context (W3C traceparent; none for an untraced call) rather than the current one.
    /// </summary>
    internal static IDisposable ItemTraces(IReadOnlyList<ActivityContext> callers)
    {
        CurrentItemTraces.Value = callers.Select(c => c == default ? null : $"00-{c.TraceId}-{c.SpanId}-{(int)c.TraceFlags:x2}").ToArray();
        return new ItemTracesScope();
    }

    private sealed class ItemTracesScope : IDisposable
    {
        public void Dispose() => CurrentItemTraces.Value = null;
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
