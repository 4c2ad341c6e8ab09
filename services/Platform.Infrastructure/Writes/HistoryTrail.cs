using System.Text.Json;
using Dapper;
using Google.Protobuf.WellKnownTypes;
using Npgsql;
using Platform.History.V1;
using Platform.Infrastructure.Access;
using Platform.Infrastructure.Grpc;

namespace Platform.Infrastructure.Writes;

/// <summary>
/// <c>ListHistory</c>: a record's history (what <see cref="WritePath"/> appended for it), oldest first, paged. An
/// administrator sees every entry, any other caller the entries it caused and those of records its organisation or
/// exchange owns.
/// </summary>
public sealed class HistoryTrail(NpgsqlDataSource dataSource, PageTokens pageTokens)
{
    public async Task<ListHistoryResponse> ListAsync(ListHistoryRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var violations = new FieldViolations();
        violations.Require(request.RecordId.Length > 0, "record_id", Fields.Required)
            .Require(request.RecordId.Length <= Fields.MaxRequestIdLength, "record_id", $"must be at most {Fields.MaxRequestIdLength} characters");
        var pageSize = PageSize.Of(request.PageSize, violations);
        var scope = ReadScope.Of(caller);
        var pageQuery = PageQuery.Of(nameof(ListAsync), request.RecordId, scope.PageQueryParts.Self, scope.PageQueryParts.Owners);
        var after = pageTokens.Decode(request.PageToken, pageQuery, violations);
        violations.ThrowIfAny();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<HistoryRow>(new CommandDefinition(
            $"""
            select seq, record_id, occurred_at, caller, method, request_id, changes::text as changes
            from record_history
            where record_id = @recordId and (@after::bigint is null or seq > @after) and {ReadScope.Sql}
            order by seq
            limit @limit
            """,
            new { recordId = request.RecordId, after = after?.Ticks, admin = scope.Admin, self = scope.Self, owners = scope.Owners, limit = pageSize + 1 },
            cancellationToken: cancellationToken))).AsList();

        var response = new ListHistoryResponse { Entries = { rows.Take(pageSize).Select(r => r.ToMessage()) } };
        if (rows.Count > pageSize)
        {
            response.NextPageToken = pageTokens.Encode(pageQuery, new PageKey(rows[pageSize - 1].Seq, Guid.Empty));
        }

        return response;
    }

    private sealed record StoredChange(string Field, string From, string To);

    private sealed class HistoryRow
    {
        public long Seq { get; init; }

        public string RecordId { get; init; } = "";

        public DateTime OccurredAt { get; init; }

        public string Caller { get; init; } = "";

        public string Method { get; init; } = "";

        public string RequestId { get; init; } = "";

        public string Changes { get; init; } = "[]";

        public HistoryEntry ToMessage() => new()
        {
            RecordId = RecordId,
            OccurredAt = Timestamp.FromDateTime(DateTime.SpecifyKind(OccurredAt, DateTimeKind.Utc)),
            ClientId = Caller,
            Method = Method,
            RequestId = RequestId,
            Changes =
            {
                (JsonSerializer.Deserialize<StoredChange[]>(Changes, JsonSerializerOptions.Web) ?? [])
                    .Select(c => new FieldChange { Field = c.Field, From = c.From, To = c.To }),
            },
        };
    }
}
