using Dapper;
using Google.Protobuf;
using Npgsql;
using Platform.Infrastructure.Grpc;

namespace Platform.Infrastructure.Writes;

/// <summary>
/// The one way a service writes. In one PostgreSQL transaction it claims each item's request id, runs the change
/// (which writes its rows and outbox events on the same connection and transaction), stores the first answer's bytes
/// under the request id and appends an audit event per item; then commits, wakes the outbox relay and runs each
/// item's <see cref="Written{T}.Committed"/>.
/// </summary>
/// <remarks>
/// The promise, for every write of every service: a request id is scoped per caller (client id) and method (a batch
/// item shares the single method's ids). The same id with the same request (byte for byte, request_id aside) answers
/// the first answer again, however the resource changed since, and writes nothing (no second audit event either). The
/// same id with a different request is ALREADY_EXISTS, worded by <see cref="Reused"/>. A write that fails rolls back
/// its claims, so a retry is evaluated afresh. Claims are taken in request-id order, so overlapping batches wait for
/// each other instead of deadlocking; a concurrent retry waits for the first call and then answers its answer.
/// </remarks>
public sealed class WritePath(NpgsqlDataSource dataSource, Outbox.Outbox outbox, TimeProvider time)
{
    /// <summary>A batch's answer stays under gRPC clients' default 4 MB receive limit, with room for framing.</summary>
    public const int MaxBatchResponseBytes = 4 * 1024 * 1024 - 64 * 1024;

    /// <summary>Stores the first answers under their request ids and appends the audit events, in one statement.</summary>
    private static readonly string StoreAndAuditSql =
        $"""
        with stored as (
            update write_requests r set response = u.response
            from unnest(@storedRequestIds, @responses) as u(request_id, response)
            where r.caller = @caller and r.method = @method and r.request_id = u.request_id
        )
        {AuditTrail.InsertSql}
        """;

    /// <summary>The one wording of a request id reused for another request.</summary>
    public static string Reused(WriteCall call, string requestId) =>
        $"Request id '{requestId}' was already used by client '{call.Caller.Id}' for a different {call.Scope} request; a new request needs a new request id.";

    public async Task<T> RunAsync<T>(
        WriteCall call, WriteItem item, MessageParser<T> parser,
        Func<NpgsqlConnection, NpgsqlTransaction, Task<Written<T>>> work, CancellationToken cancellationToken)
        where T : IMessage<T> =>
        (await RunAsync(call, [item], ItemNaming.Single, parser,
            async (connection, transaction, _) => [await work(connection, transaction)], cancellationToken))[0];

    /// <summary>
    /// Runs a batch's items in one transaction: <paramref name="work"/> gets the indices of the items that are not
    /// answered from an earlier call and returns their results in that order. All items are written, or none.
    /// </summary>
    public async Task<T[]> RunAsync<T>(
        WriteCall call, IReadOnlyList<WriteItem> items, ItemNaming naming, MessageParser<T> parser,
        Func<NpgsqlConnection, NpgsqlTransaction, int[], Task<Written<T>[]>> work, CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        var responses = new T[items.Count];
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var replayed = await ClaimAsync(connection, transaction, call, items, naming, parser, responses, cancellationToken);
        var fresh = Enumerable.Range(0, items.Count).Where(i => !replayed.Contains(i)).ToArray();
        if (fresh.Length == 0)
        {
            return responses;
        }

        var outcomes = await work(connection, transaction, fresh);

        // Refuse (and roll back) a batch whose answer a default client could not receive: once committed, every retry
        // would replay the same oversized answer.
        if (naming.IsBatch)
        {
            var size = responses.Where(r => r is not null).Sum(r => (long)r.CalculateSize()) + outcomes.Sum(o => (long)o.Response.CalculateSize());
            if (size > MaxBatchResponseBytes)
            {
                throw GrpcErrors.ResourceExhausted(
                    $"The batch's {items.Count} answers come to {size:N0} bytes, over the {MaxBatchResponseBytes:N0} a response may carry: send fewer items per batch.");
            }
        }

        // One statement: the first answers under their request ids, and an audit event per item.
        var now = time.GetUtcNow();
        var recorded = Enumerable.Range(0, fresh.Length).Where(k => items[fresh[k]].RequestId.Length > 0).ToArray();
        var parameters = AuditTrail.Parameters(
            fresh.Select((i, k) => AuditEntry.Ok(call, now, items[i].RequestId, outcomes[k].ResourceIds, outcomes[k].Owner)).ToArray());
        parameters.AddDynamicParams(new
        {
            caller = call.Caller.Id,
            method = call.Scope,
            storedRequestIds = recorded.Select(k => items[fresh[k]].RequestId).ToArray(),
            responses = recorded.Select(k => outcomes[k].Response.ToByteArray()).ToArray(),
        });
        await connection.ExecuteAsync(new CommandDefinition(StoreAndAuditSql, parameters, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        outbox.NotifyCommitted();
        for (var k = 0; k < fresh.Length; k++)
        {
            responses[fresh[k]] = outcomes[k].Response;
            outcomes[k].Committed?.Invoke();
        }

        return responses;
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
        var stored = await StoredAsync(connection, null, call, keyed.Select(i => items[i].RequestId).ToArray(), cancellationToken);
        foreach (var i in keyed)
        {
            if (stored.TryGetValue(items[i].RequestId, out var prior) && prior.Response is not null)
            {
                answers[i] = Replay(call, items[i].RequestId, RequestFingerprint.Of(items[i].Request), i, naming, parser, prior);
            }
        }

        return answers;
    }

    /// <summary>Claims the items' request ids; fills <paramref name="responses"/> for those answered before and returns their indices.</summary>
    private async Task<HashSet<int>> ClaimAsync<T>(
        NpgsqlConnection connection, NpgsqlTransaction transaction, WriteCall call, IReadOnlyList<WriteItem> items, ItemNaming naming,
        MessageParser<T> parser, T[] responses, CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        var replayed = new HashSet<int>();
        var keyed = Enumerable.Range(0, items.Count).Where(i => items[i].RequestId.Length > 0).ToArray();
        if (keyed.Length == 0)
        {
            return replayed;
        }

        var requestIds = keyed.Select(i => items[i].RequestId).ToArray();
        var fingerprints = keyed.Select(i => RequestFingerprint.Of(items[i].Request)).ToArray();
        var claimed = (await connection.QueryAsync<string>(new CommandDefinition(
            """
            insert into write_requests (caller, method, request_id, fingerprint, created_at)
            select @caller, @method, k.request_id, k.fingerprint, @now from unnest(@requestIds, @fingerprints) as k(request_id, fingerprint)
            order by k.request_id
            on conflict (caller, method, request_id) do nothing
            returning request_id
            """,
            new
            {
                caller = call.Caller.Id,
                method = call.Scope,
                requestIds,
                fingerprints,
                now = time.GetUtcNow(),
            },
            transaction, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
        if (claimed.Count == keyed.Length)
        {
            return replayed;
        }

        var stored = await StoredAsync(connection, transaction, call, requestIds.Where(r => !claimed.Contains(r)).ToArray(), cancellationToken);
        for (var k = 0; k < keyed.Length; k++)
        {
            var i = keyed[k];
            if (!claimed.Contains(requestIds[k]))
            {
                responses[i] = Replay(call, requestIds[k], fingerprints[k], i, naming, parser, stored[requestIds[k]]);
                replayed.Add(i);
            }
        }

        return replayed;
    }

    /// <summary>The stored answer when the request (by its <paramref name="fingerprint"/>) is the one stored; ALREADY_EXISTS otherwise.</summary>
    private static T Replay<T>(WriteCall call, string requestId, byte[] fingerprint, int index, ItemNaming naming, MessageParser<T> parser, StoredRequest prior)
        where T : IMessage<T> =>
        prior.Fingerprint.AsSpan().SequenceEqual(fingerprint) && prior.Response is not null
            ? parser.ParseFrom(prior.Response)
            : throw naming.AlreadyExists(index, Reused(call, requestId));

    private static async Task<Dictionary<string, StoredRequest>> StoredAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, WriteCall call, string[] requestIds, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<StoredRequest>(new CommandDefinition(
            "select request_id as RequestId, fingerprint, response from write_requests where caller = @caller and method = @method and request_id = any(@requestIds)",
            new { caller = call.Caller.Id, method = call.Scope, requestIds }, transaction, cancellationToken: cancellationToken)))
        .ToDictionary(s => s.RequestId, StringComparer.Ordinal);

    private sealed record StoredRequest(string RequestId, byte[] Fingerprint, byte[]? Response);
}
