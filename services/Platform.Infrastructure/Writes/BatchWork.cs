using System.Diagnostics;
using Google.Protobuf;
using Npgsql;

namespace Platform.Infrastructure.Writes;

/// <summary>
/// A change that writes many items at once (a multi-row insert, say), which concurrent calls' single items can share:
/// a group (<see cref="WriteGroups"/>) runs its consecutive items of one work as one change, so 32 registrations cost
/// one insert instead of 32. The run's statements are traced under the group's span, which links every call's span.
/// Keep one instance per operation (a field of a singleton): the instance is what tells that two calls' items are of
/// the same work.
/// </summary>
public abstract class BatchWork
{
    /// <summary>Runs the items of several calls as one change; answers each item's record, in order.</summary>
    internal abstract Task<WriteRecord[]> RunTogetherAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<BatchedItem> items);

    /// <summary>
    /// The positions of <paramref name="items"/> in rounds that each hold at most one item per record: a record's n-th
    /// item goes in round n, so a change that reads its records once per round sees each as the round before left it.
    /// </summary>
    public static int[][] Rounds<TItem, TRecord>(IReadOnlyList<TItem> items, Func<TItem, TRecord> record)
        where TRecord : notnull
    {
        var seen = new Dictionary<TRecord, int>();
        return Enumerable.Range(0, items.Count)
            .GroupBy(k =>
            {
                var key = record(items[k]);
                return seen[key] = seen.GetValueOrDefault(key) + 1;
            })
            .Select(round => round.ToArray()).ToArray();
    }
}

/// <summary>
/// <paramref name="change"/> gets the items in order and answers their outcomes in that order; it must change nothing
/// but rows on the connection it is given (it may run twice, the first run rolled back), and refuse an item by throwing
/// (the group is then rolled back and each call written on its own). Its outbox events belong to their items:
/// <see cref="Outbox.Outbox.EnqueueManyAsync{T}"/> gives each the trace context of its item's call.
/// </summary>
public sealed class BatchWork<TItem, T>(Func<NpgsqlConnection, NpgsqlTransaction, IReadOnlyList<TItem>, Task<Written<T>[]>> change) : BatchWork
    where T : IMessage<T>
{
    internal Task<Written<T>[]> RunAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<TItem> items) =>
        change(connection, transaction, items);

    internal override async Task<WriteRecord[]> RunTogetherAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<BatchedItem> items)
    {
        var outcomes = await change(connection, transaction, items.Select(i => (TItem)i.Value).ToArray());
        if (outcomes.Length != items.Count)
        {
            throw new UnreachableException($"A batch work answered {outcomes.Length} outcomes for {items.Count} items.");
        }

        return items.Select((item, k) => item.Done(outcomes[k])).ToArray();
    }
}

/// <summary>
/// One call's item of a <see cref="BatchWork"/>, waiting in a group: the item, and what the call does with its outcome
/// (keeps it for its answer and makes the item's <see cref="WriteRecord"/>).
/// </summary>
internal sealed record BatchedItem(BatchWork Work, object Value, Func<object, WriteRecord> Done);
