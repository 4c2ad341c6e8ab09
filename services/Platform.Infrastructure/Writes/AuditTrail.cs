using Dapper;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Npgsql;
using Platform.Audit.V1;
using Platform.Infrastructure.Access;
using Platform.Infrastructure.Grpc;

namespace Platform.Infrastructure.Writes;

/// <summary>One row of <c>audit_events</c>: who did what to which resources, and how it ended.</summary>
public sealed record AuditEntry(
    DateTimeOffset OccurredAt,
    string Caller,
    string? Organisation,
    string? Exchange,
    string Method,
    string RequestId,
    IReadOnlyList<string> ResourceIds,
    string? Owner,
    string Outcome,
    string? Detail)
{
    public const string OkOutcome = "OK";

    public static AuditEntry Ok(WriteCall call, DateTimeOffset at, string requestId, IReadOnlyList<string> resourceIds, string? owner) =>
        new(at, call.Caller.Id, call.Caller.Organisation, call.Caller.Exchange, call.Method, requestId, resourceIds, owner, OkOutcome, null);

    public static AuditEntry Refused(Caller caller, string method, DateTimeOffset at, string requestId, IReadOnlyList<string> resourceIds, Status status) =>
        new(at, caller.Id, caller.Organisation, caller.Exchange, method, requestId, resourceIds, null, OutcomeOf(status.StatusCode), status.Detail);

    /// <summary>"FAILED_PRECONDITION" for <see cref="StatusCode.FailedPrecondition"/>: the name every gRPC client shows.</summary>
    public static string OutcomeOf(StatusCode code) => code switch
    {
        StatusCode.OK => OkOutcome,
        _ => Telemetry.ServiceMeter.Name(code).ToUpperInvariant(),
    };
}

/// <summary>
/// The service's audit trail (<c>audit_events</c>): appended inside a write's transaction by <see cref="WritePath"/>,
/// or on its own for a refused write; read by <c>ListAuditEvents</c>. There is no update or delete here: rows leave
/// only by retention (<see cref="Retention.RetentionOptions.AuditEvents"/>), and the table refuses updates.
/// </summary>
public sealed class AuditTrail(NpgsqlDataSource dataSource, PageTokens pageTokens)
{
    /// <summary>
    /// The statement that appends the events of <see cref="Parameters"/>; a refusal repeated with the same request id and
    /// outcome is not appended again. <see cref="WritePath"/> runs it together with its own update in one statement.
    /// </summary>
    internal const string InsertSql =
        """
        insert into audit_events (id, occurred_at, caller, caller_organisation, caller_exchange, method, request_id, resource_ids, owner, outcome, detail)
        select e.id, e.occurred_at, e.caller, e.organisation, e.exchange, e.method, e.request_id,
               coalesce(array(select json_array_elements_text(e.resource_ids::json)), '{}'), e.owner, e.outcome, e.detail
        from unnest(@ids, @occurredAts, @callers, @organisations, @exchanges, @methods, @requestIds, @resourceIds, @owners, @outcomes, @details)
            as e(id, occurred_at, caller, organisation, exchange, method, request_id, resource_ids, owner, outcome, detail)
        on conflict (caller, method, request_id, outcome) where request_id <> '' and outcome <> 'OK' do nothing
        """;

    /// <summary>The parameters of <see cref="InsertSql"/> for <paramref name="entries"/>.</summary>
    internal static DynamicParameters Parameters(IReadOnlyList<AuditEntry> entries)
    {
        var parameters = new DynamicParameters();
        parameters.AddDynamicParams(new
        {
            ids = Postgres.UuidV7.Ascending(entries.Count, entries.Count > 0 ? entries[0].OccurredAt : null),
            occurredAts = entries.Select(e => e.OccurredAt).ToArray(),
            callers = entries.Select(e => e.Caller).ToArray(),
            organisations = entries.Select(e => e.Organisation).ToArray(),
            exchanges = entries.Select(e => e.Exchange).ToArray(),
            methods = entries.Select(e => e.Method).ToArray(),
            requestIds = entries.Select(e => e.RequestId).ToArray(),
            resourceIds = entries.Select(e => System.Text.Json.JsonSerializer.Serialize(e.ResourceIds)).ToArray(),
            owners = entries.Select(e => e.Owner).ToArray(),
            outcomes = entries.Select(e => e.Outcome).ToArray(),
            details = entries.Select(e => e.Detail).ToArray(),
        });
        return parameters;
    }

    /// <summary>Appends one event in a transaction of its own: a refused write's (the write's own rolled back), or a write's with no transaction to join.</summary>
    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, Parameters([entry]), cancellationToken: cancellationToken));
    }

    /// <summary>
    /// <c>ListAuditEvents</c>: newest first, filtered, paged; an administrator sees every event, any other caller the
    /// events it caused and those of resources its organisation or exchange owns.
    /// </summary>
    public async Task<ListAuditEventsResponse> ListAsync(ListAuditEventsRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var violations = new FieldViolations();
        violations.Require(request.ClientId.Length <= Fields.MaxRequestIdLength, "client_id", $"must be at most {Fields.MaxRequestIdLength} characters")
            .Require(request.Method.Length <= Fields.MaxRequestIdLength, "method", $"must be at most {Fields.MaxRequestIdLength} characters")
            .Require(request.ResourceId.Length <= Fields.MaxRequestIdLength, "resource_id", $"must be at most {Fields.MaxRequestIdLength} characters");
        var from = Time(request.From, "from", violations);
        var to = Time(request.To, "to", violations);
        violations.Require(from is null || to is null || from <= to, "from", "must not be after to");
        var pageSize = PageSize.Of(request.PageSize, violations);
        var scope = ReadScope.Of(caller);
        var pageQuery = PageQuery.Of(nameof(ListAsync), request.ClientId, request.Method, request.ResourceId, from?.UtcTicks, to?.UtcTicks,
            scope.PageQueryParts.Self, scope.PageQueryParts.Owners);
        var after = pageTokens.Decode(request.PageToken, pageQuery, violations);
        violations.ThrowIfAny();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<AuditRow>(new CommandDefinition(
            $"""
            select seq, id, occurred_at, caller, caller_organisation as organisation, caller_exchange as exchange, method,
                   request_id, resource_ids, owner, outcome, detail
            from audit_events
            where (@clientId = '' or caller = @clientId)
              and (@method = '' or method = @method)
              and (@resourceId = '' or resource_ids @> array[@resourceId])
              and (@from::timestamptz is null or occurred_at >= @from)
              and (@to::timestamptz is null or occurred_at < @to)
              and (@after::bigint is null or seq < @after)
              and {ReadScope.Sql}
            order by seq desc
            limit @limit
            """,
            new
            {
                clientId = request.ClientId,
                method = request.Method,
                resourceId = request.ResourceId,
                from,
                to,
                after = after?.Ticks,
                admin = scope.Admin,
                self = scope.Self,
                owners = scope.Owners,
                limit = pageSize + 1,
            },
            cancellationToken: cancellationToken))).AsList();

        var response = new ListAuditEventsResponse { Events = { rows.Take(pageSize).Select(r => r.ToMessage()) } };
        if (rows.Count > pageSize)
        {
            // The page key's number is the last event's seq (the order of appending).
            response.NextPageToken = pageTokens.Encode(pageQuery, new PageKey(rows[pageSize - 1].Seq, rows[pageSize - 1].Id));
        }

        return response;
    }

    private static DateTimeOffset? Time(Timestamp? value, string field, FieldViolations violations)
    {
        if (value is null)
        {
            return null;
        }

        if (!Fields.IsValidTimestamp(value))
        {
            violations.Add(field, Fields.InvalidTimestamp);
            return null;
        }

        return value.ToDateTimeOffset();
    }

    /// <summary>A row as read (a class with setters: Dapper hands a text[] to a constructor as a bare Array).</summary>
    private sealed class AuditRow
    {
        public long Seq { get; init; }

        public Guid Id { get; init; }

        public DateTime OccurredAt { get; init; }

        public string Caller { get; init; } = "";

        public string? Organisation { get; init; }

        public string? Exchange { get; init; }

        public string Method { get; init; } = "";

        public string RequestId { get; init; } = "";

        public string[] ResourceIds { get; init; } = [];

        public string? Owner { get; init; }

        public string Outcome { get; init; } = "";

        public string? Detail { get; init; }

        public AuditEvent ToMessage() => new()
        {
            Id = Id.ToString(),
            OccurredAt = Timestamp.FromDateTime(DateTime.SpecifyKind(OccurredAt, DateTimeKind.Utc)),
            ClientId = Caller,
            Organisation = Organisation ?? "",
            Exchange = Exchange ?? "",
            Method = Method,
            RequestId = RequestId,
            ResourceIds = { ResourceIds },
            Owner = Owner ?? "",
            Outcome = Outcome,
            Detail = Detail ?? "",
        };
    }
}
