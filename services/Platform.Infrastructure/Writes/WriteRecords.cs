using Dapper;
using Google.Protobuf;
using Npgsql;

namespace Platform.Infrastructure.Writes;

/// <summary>What one written item leaves besides its own rows: its claimed request id with the first answer, its audit event and its records' history.</summary>
internal readonly record struct WriteRecord(
    WriteCall Call, string RequestId, byte[] Fingerprint, IMessage Response, IReadOnlyList<string> ResourceIds, string? Owner, IReadOnlyList<RecordChange>? Changes)
{
    /// <summary>The records of <paramref name="item"/>, written as <paramref name="outcome"/> says.</summary>
    public static WriteRecord Of<T>(WriteCall call, WriteItem item, byte[] fingerprint, Written<T> outcome)
        where T : IMessage =>
        new(call, item.RequestId, fingerprint, outcome.Response, outcome.ResourceIds, outcome.Owner, outcome.Changes);
}

/// <summary>
/// Stores the <see cref="WriteRecord"/>s of a transaction's items in one statement: the items may come from one call
/// (a batch) or from several calls written together (<see cref="WriteGroups"/>).
/// </summary>
internal static class WriteRecords
{
    /// <summary>
    /// Claims the request ids with their first answers (in key order, so two transactions never wait on each other's
    /// claims crosswise), appends the audit events and the changed records' history entries (<see cref="RecordChange"/>);
    /// answers how many ids it claimed (fewer than given when an earlier or concurrent call with the same id committed
    /// first). PostgreSQL would plan it afresh on every call (a custom plan each time, for its CTEs and array
    /// parameters: a sixth of a PlaceTrade's database time); its generic plan is as good, so the transaction, which
    /// ends right after it, takes that.
    /// </summary>
    private static readonly string ClaimAndAuditSql =
        $"""
        set local plan_cache_mode = force_generic_plan;
        with claimed as (
            insert into write_requests (caller, method, request_id, fingerprint, response, created_at)
            select k.caller, k.method, k.request_id, k.fingerprint, k.response, @now
            from unnest(@claimCallers, @claimMethods, @claimedRequestIds, @fingerprints, @responses) as k(caller, method, request_id, fingerprint, response)
            order by k.caller, k.method, k.request_id
            on conflict (caller, method, request_id) do nothing
            returning 1
        ), audited as (
        {AuditTrail.InsertSql}
        ), changed as (
            insert into record_history (record_id, occurred_at, caller, method, request_id, owner, changes)
            select h.record_id, @now, h.caller, h.method, h.request_id, h.owner, h.changes::json
            from unnest(@historyRecordIds, @historyCallers, @historyMethods, @historyRequestIds, @historyOwners, @historyChanges)
                as h(record_id, caller, method, request_id, owner, changes)
        )
        select count(*)::int from claimed
        """;

    /// <summary>Whether every request id of <paramref name="records"/> was claimed; if not, the transaction must roll back.</summary>
    public static async Task<bool> StoreAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<WriteRecord> records, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var parameters = AuditTrail.Parameters(records.Select(r => AuditEntry.Ok(r.Call, now, r.RequestId, r.ResourceIds, r.Owner)).ToArray());
        var keyed = records.Where(r => r.RequestId.Length > 0).ToArray();
        var history = records.SelectMany(r => (r.Changes ?? []).Select(c => (Record: r, RecordId: c.RecordId, Json: c.ChangesJson())))
            .Where(h => h.Json is not null).ToArray();
        parameters.AddDynamicParams(new
        {
            now,
            claimCallers = keyed.Select(r => r.Call.Caller.Id).ToArray(),
            claimMethods = keyed.Select(r => r.Call.Scope).ToArray(),
            claimedRequestIds = keyed.Select(r => r.RequestId).ToArray(),
            fingerprints = keyed.Select(r => r.Fingerprint).ToArray(),
            responses = keyed.Select(r => r.Response.ToByteArray()).ToArray(),
            historyRecordIds = history.Select(h => h.RecordId).ToArray(),
            historyCallers = history.Select(h => h.Record.Call.Caller.Id).ToArray(),
            historyMethods = history.Select(h => h.Record.Call.Method).ToArray(),
            historyRequestIds = history.Select(h => h.Record.RequestId).ToArray(),
            historyOwners = history.Select(h => h.Record.Owner).ToArray(),
            historyChanges = history.Select(h => h.Json!).ToArray(),
        });
        var claimed = await connection.QuerySingleAsync<int>(new CommandDefinition(ClaimAndAuditSql, parameters, transaction, cancellationToken: cancellationToken));
        return claimed == keyed.Length;
    }
}
