using System.Diagnostics;
using Google.Protobuf;
using Npgsql;
using Platform.Infrastructure.Errors;

namespace Platform.Infrastructure.Writes;

/// <summary>
/// The one way a service writes. In one PostgreSQL transaction it answers the items whose request ids are stored, runs
/// the others' change (which writes its rows and outbox events on the same connection and transaction), then claims
/// their request ids with the first answers' bytes and appends an audit event per item and a history entry per changed
/// record (<see cref="WriteRecords"/>); then commits, wakes the outbox relay, runs each item's
/// <see cref="Written{T}.Committed"/> and the service's <see cref="IAfterWrite"/> hooks. A call's single item is first
/// offered to <see cref="WriteGroups"/>, which writes concurrent calls' items in one such transaction; when its group
/// cannot commit, the call writes here on its own.
/// </summary>
/// <remarks>
/// The promise, for every write of every service: a request id is scoped per caller (client id) and method (a batch
/// item shares the single method's ids). The same id with the same request (byte for byte, request_id aside) answers
/// the first answer again, however the resource changed since, and writes nothing (no second audit event either). The
/// same id with a different request is ALREADY_EXISTS, worded by <see cref="Reused"/>. A write that fails stores
/// nothing, so a retry is evaluated afresh. Concurrent calls with the same id: the claim of the later one waits for the
/// earlier's commit (the primary key of <c>write_requests</c>), then finds the id taken, rolls its change back and
/// answers the earlier's answer; so does one whose change fails (or deadlocks) while the earlier committed.
/// </remarks>
public sealed class WritePath(
    NpgsqlDataSource dataSource, Outbox.Outbox outbox, TimeProvider time, WriteMeters meters, WriteGroups groups, IEnumerable<IAfterWrite> afterWrite)
{
    private readonly IAfterWrite[] _afterWrite = afterWrite.ToArray();

    /// <summary>
    /// The write's own span, named for the operation (<c>write PlaceTrade</c>) under the call's server span, with who wrote
    /// (<c>enduser.id</c>), the request ids, the resources written and how many items were replayed from stored answers.
    /// </summary>
    public static readonly ActivitySource ActivitySource = new("Platform.Writes");

    /// <summary>A batch's answer stays under gRPC clients' default 4 MB receive limit, with room for framing.</summary>
    public const int MaxBatchResponseBytes = 4 * 1024 * 1024 - 64 * 1024;

    /// <summary>The one wording of a request id reused for another request.</summary>
    public static string Reused(WriteCall call, string requestId) =>
        $"Request id '{requestId}' was already used by client '{call.Caller.Id}' for a different {call.Scope} request; a new request needs a new request id.";

    /// <summary>
    /// Writes one item; under load together with other calls' single items (<see cref="WriteGroups"/>), so
    /// <paramref name="work"/> must change nothing but rows on the connection it is given, and may run twice (the first
    /// run rolled back).
    /// </summary>
    public async Task<T> RunAsync<T>(
        WriteCall call, WriteItem item, MessageParser<T> parser,
        Func<NpgsqlConnection, NpgsqlTransaction, Task<Written<T>>> work, CancellationToken cancellationToken)
        where T : IMessage<T> =>
        (await RunAsync(call, [item], ItemNaming.Single, parser,
            async (connection, transaction, _) => [await work(connection, transaction)], cancellationToken))[0];

    /// <summary>Writes one item in a transaction of its own, never grouped: for a change with effects outside the database (pruning, clearing a cache).</summary>
    public async Task<T> RunAloneAsync<T>(
        WriteCall call, WriteItem item, MessageParser<T> parser,
        Func<NpgsqlConnection, NpgsqlTransaction, Task<Written<T>>> work, CancellationToken cancellationToken)
        where T : IMessage<T> =>
        (await RunCoreAsync(call, [item], ItemNaming.Single, parser,
            async (connection, transaction, _) => [await work(connection, transaction)], groupable: false, batch: null, cancellationToken))[0];

    /// <summary>
    /// Runs a batch's items in one transaction: <paramref name="work"/> gets the indices of the items that are not
    /// answered from an earlier call and returns their results in that order. All items are written, or none. A single
    /// item (<see cref="ItemNaming.Single"/>) may be written with other calls' (see the single-item overload).
    /// </summary>
    public Task<T[]> RunAsync<T>(
        WriteCall call, IReadOnlyList<WriteItem> items, ItemNaming naming, MessageParser<T> parser,
        Func<NpgsqlConnection, NpgsqlTransaction, int[], Task<Written<T>[]>> work, CancellationToken cancellationToken)
        where T : IMessage<T> =>
        RunCoreAsync(call, items, naming, parser, work, groupable: !naming.IsBatch && items.Count == 1, batch: null, cancellationToken);

    /// <summary>
    /// Runs a batch's items in one transaction through <paramref name="work"/>, which changes many items at once. A
    /// single item (<see cref="ItemNaming.Single"/>) may be written with other calls' single items, and with those of the
    /// same work in one run of it (<see cref="WriteGroups"/>).
    /// </summary>
    public Task<T[]> RunAsync<TItem, T>(
        WriteCall call, IReadOnlyList<TItem> items, Func<TItem, WriteItem> itemOf, ItemNaming naming, MessageParser<T> parser,
        BatchWork<TItem, T> work, CancellationToken cancellationToken)
        where TItem : notnull
        where T : IMessage<T> =>
        RunCoreAsync(call, items.Select(itemOf).ToArray(), naming, parser,
            (connection, transaction, fresh) => work.RunAsync(connection, transaction, fresh.Select(i => items[i]).ToArray()),
            groupable: !naming.IsBatch && items.Count == 1, batch: items.Count == 1 ? (work, items[0]) : null, cancellationToken);

    private async Task<T[]> RunCoreAsync<T>(
        WriteCall call, IReadOnlyList<WriteItem> items, ItemNaming naming, MessageParser<T> parser,
        Func<NpgsqlConnection, NpgsqlTransaction, int[], Task<Written<T>[]>> work, bool groupable, (BatchWork, object)? batch,
        CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        var answers = await WriteAsync(call, items, naming, parser, work, groupable, batch, cancellationToken);
        foreach (var hook in _afterWrite)
        {
            await hook.AnsweredAsync(call, answers.Cast<IMessage>().ToArray());
        }

        return answers;
    }

    private async Task<T[]> WriteAsync<T>(
        WriteCall call, IReadOnlyList<WriteItem> items, ItemNaming naming, MessageParser<T> parser,
        Func<NpgsqlConnection, NpgsqlTransaction, int[], Task<Written<T>[]>> work, bool groupable, (BatchWork, object)? batch,
        CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        var fingerprints = items.Select(i => i.RequestId.Length > 0 ? RequestFingerprint.Of(i.Request) : []).ToArray();
        using var activity = ActivitySource.StartActivity($"write {call.Method}");
        if (activity is not null)
        {
            activity.SetTag("enduser.id", call.Caller.Id);
            activity.SetTag("platform.write.items", items.Count);
            activity.SetTag("platform.request_ids", items.Select(i => i.RequestId).Where(id => id.Length > 0).Take(MaxTaggedIds).ToArray());
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (attempt == 1 && groupable && await groups.WriteAsync(call, items[0], fingerprints[0], work, batch, activity, cancellationToken) is { } grouped)
                {
                    activity?.SetTag("platform.resource_ids", grouped.ResourceIds.Take(MaxTaggedIds).ToArray());
                    return [Committed(call, grouped)];
                }

                // The first attempt does not look for stored answers (a retried request is rare): its claim finds them.
                return await TryRunAsync(call, items, fingerprints, naming, parser, work, readStored: attempt > 1, activity, cancellationToken);
            }
            catch (ClaimedMeanwhileException) when (attempt < MaxAttempts)
            {
                // A request id was stored before (or meanwhile, by a concurrent call): the next attempt answers its answer.
            }
            catch (Exception error) when (activity is not null && error is not ClaimedMeanwhileException)
            {
                activity.SetStatus(ActivityStatusCode.Error, error switch
                {
                    global::Grpc.Core.RpcException rpc => rpc.StatusCode.ToString(),
                    RefusalException refusal => refusal.Kind.ToString(),
                    _ => error.GetType().Name,
                });
                throw;
            }
            catch (ClaimedMeanwhileException)
            {
                throw Refusal.Aborted($"The request ids of this {call.Scope} call were being used by concurrent calls; send it again.");
            }
        }
    }

    private const int MaxAttempts = 3;

    /// <summary>A batch of 500 items tags its first ids only: a span is for finding a write, not for carrying a batch.</summary>
    private const int MaxTaggedIds = 20;

    /// <summary>
    /// One attempt: answers the items whose request ids are stored (when <paramref name="readStored"/>), runs the others'
    /// change, then claims their ids with the answers. A claim that finds its id taken (by an earlier call, or a concurrent
    /// one that committed first) or a change that fails while one was (the earlier call changed what it finds) rolls back
    /// and tries again, reading the stored answers.
    /// </summary>
    private async Task<T[]> TryRunAsync<T>(
        WriteCall call, IReadOnlyList<WriteItem> items, byte[][] fingerprints, ItemNaming naming, MessageParser<T> parser,
        Func<NpgsqlConnection, NpgsqlTransaction, int[], Task<Written<T>[]>> work, bool readStored, Activity? activity, CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        var responses = new T[items.Count];
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var keyed = Enumerable.Range(0, items.Count).Where(i => items[i].RequestId.Length > 0).ToArray();
        var stored = keyed.Length == 0 || !readStored
            ? []
            : await StoredAnswers.ReadAsync(connection, transaction, call, keyed.Select(i => items[i].RequestId).ToArray(), cancellationToken);
        foreach (var i in keyed)
        {
            if (stored.TryGetValue(items[i].RequestId, out var prior))
            {
                responses[i] = StoredAnswers.Replay(call, items[i].RequestId, fingerprints[i], i, naming, parser, prior);
            }
        }

        var fresh = Enumerable.Range(0, items.Count).Where(i => !stored.ContainsKey(items[i].RequestId)).ToArray();
        if (stored.Count > 0)
        {
            meters.Count(call.Method, WriteMeters.Replayed, items.Count - fresh.Length);
        }

        activity?.SetTag("platform.write.replayed", items.Count - fresh.Length);
        if (fresh.Length == 0)
        {
            return responses;
        }

        // Positions in fresh (and in the work's outcomes) of the items that carry a request id.
        var claimed = Enumerable.Range(0, fresh.Length).Where(k => items[fresh[k]].RequestId.Length > 0).ToArray();
        Written<T>[] outcomes;
        try
        {
            outcomes = await work(connection, transaction, fresh);
        }
        catch (Exception error) when (error is not OperationCanceledException && claimed.Length > 0)
        {
            if (error is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected }
                || await AnyStoredMeanwhileAsync(call, claimed.Select(k => items[fresh[k]].RequestId).ToArray(), cancellationToken))
            {
                throw new ClaimedMeanwhileException();
            }

            throw;
        }

        // Refuse (and roll back) a batch whose answer a default client could not receive: once committed, every retry
        // would replay the same oversized answer.
        if (naming.IsBatch)
        {
            var size = responses.Where(r => r is not null).Sum(r => (long)r.CalculateSize()) + outcomes.Sum(o => (long)o.Response.CalculateSize());
            if (size > MaxBatchResponseBytes)
            {
                throw Refusal.ResourceExhausted(
                    $"The batch's {items.Count} answers come to {size:N0} bytes, over the {MaxBatchResponseBytes:N0} a response may carry: send fewer items per batch.");
            }
        }

        var records = fresh.Select((i, k) => WriteRecord.Of(call, items[i], fingerprints[i], outcomes[k])).ToArray();
        if (!await WriteRecords.StoreAsync(connection, transaction, records, time.GetUtcNow(), cancellationToken))
        {
            throw new ClaimedMeanwhileException();
        }

        await transaction.CommitAsync(cancellationToken);
        outbox.NotifyCommitted();
        activity?.SetTag("platform.resource_ids", outcomes.SelectMany(o => o.ResourceIds).Take(MaxTaggedIds).ToArray());
        for (var k = 0; k < fresh.Length; k++)
        {
            responses[fresh[k]] = Committed(call, outcomes[k]);
        }

        return responses;
    }

    /// <summary>After the commit: the item's own follow-up (a cache refreshed, say) and its meters.</summary>
    private T Committed<T>(WriteCall call, Written<T> outcome)
        where T : IMessage<T>
    {
        outcome.Committed?.Invoke();
        meters.Committed(call, outcome.Response);
        return outcome.Response;
    }

    /// <summary>
    /// The stored answers of items whose request id was used before (null for the others), read outside any write:
    /// for a write that asks another service before its transaction, so a retry is answered without asking again.
    /// A request id used for a different request is ALREADY_EXISTS, as in <see cref="RunAsync{T}(WriteCall, IReadOnlyList{WriteItem}, ItemNaming, MessageParser{T}, Func{NpgsqlConnection, NpgsqlTransaction, int[], Task{Written{T}[]}}, CancellationToken)"/>.
    /// </summary>
    public async Task<T?[]> StoredAsync<T>(WriteCall call, IReadOnlyList<WriteItem> items, ItemNaming naming, MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        var answers = new T?[items.Count];
        var keyed = Enumerable.Range(0, items.Count).Where(i => items[i].RequestId.Length > 0).ToArray();
        if (keyed.Length == 0)
        {
            return answers;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var stored = await StoredAnswers.ReadAsync(connection, null, call, keyed.Select(i => items[i].RequestId).ToArray(), cancellationToken);
        foreach (var i in keyed)
        {
            if (stored.TryGetValue(items[i].RequestId, out var prior))
            {
                answers[i] = StoredAnswers.Replay(call, items[i].RequestId, RequestFingerprint.Of(items[i].Request), i, naming, parser, prior);
            }
        }

        return answers;
    }

    /// <summary>
    /// Whether a concurrent call stored one of these request ids while this one's change failed, read on a connection of
    /// its own (this one's may be what failed). When that cannot be read either, the change's own error is the answer.
    /// </summary>
    private async Task<bool> AnyStoredMeanwhileAsync(WriteCall call, string[] requestIds, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            return (await StoredAnswers.ReadAsync(connection, null, call, requestIds, cancellationToken)).Count > 0;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>A concurrent call with one of the request ids committed before this one could claim it.</summary>
    private sealed class ClaimedMeanwhileException : Exception;
}
