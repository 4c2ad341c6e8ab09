using System.Diagnostics.Metrics;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Platform.Infrastructure.Retention;

/// <summary>What one table holds after a prune pass, and how many rows the pass deleted.</summary>
public sealed record TableRetention(string Table, long Deleted, long Rows, DateTimeOffset? Oldest);

/// <summary>
/// Deletes expired rows of the bookkeeping tables (published outbox rows, processed message ids, request ids, audit events past their window) in
/// small batches, and reports each table's size and oldest row as gauges (<c>platform.outbox.rows</c>,
/// <c>platform.outbox.oldest_age</c>, <c>platform.inbox.*</c>, <c>platform.write_requests.*</c>, <c>platform.audit_events.*</c>).
/// <see cref="PruneAsync"/> is what the background service runs; an operator command may call it too.
/// </summary>
public sealed class RetentionPruner
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly IOptions<RetentionOptions> _options;
    private readonly TimeProvider _time;
    private readonly RetainedTable[] _tables;
    private readonly TableRetention?[] _last;

    public RetentionPruner(NpgsqlDataSource dataSource, IOptions<RetentionOptions> options, TimeProvider time, IMeterFactory meters)
    {
        _dataSource = dataSource;
        _options = options;
        _time = time;
        _tables =
        [
            // Only rows the relay has published: an unpublished or set-aside row is an event not delivered yet.
            new("outbox_messages", "outbox", "created_at", "published_at", o => o.PublishedOutbox),
            new("processed_messages", "inbox", "processed_at", "processed_at", o => o.Inbox),
            new("write_requests", "write_requests", "created_at", "created_at", o => o.RequestIds),
            // The audit trail's only delete: events older than the window.
            new("audit_events", "audit_events", "occurred_at", "occurred_at", o => o.AuditEvents),
        ];
        _last = new TableRetention?[_tables.Length];

        var meter = meters.Create("Platform.Retention");
        for (var i = 0; i < _tables.Length; i++)
        {
            var slot = i;
            meter.CreateObservableGauge($"platform.{_tables[i].Metric}.rows",
                () => _last[slot] is { } last ? [new Measurement<long>(last.Rows)] : Array.Empty<Measurement<long>>(),
                "{row}", $"Rows in {_tables[i].Table} at the last prune pass.");
            meter.CreateObservableGauge($"platform.{_tables[i].Metric}.oldest_age",
                () => _last[slot] is { Oldest: { } oldest } ? [new Measurement<double>((_time.GetUtcNow() - oldest).TotalSeconds)] : Array.Empty<Measurement<double>>(),
                "s", $"Age of the oldest row in {_tables[i].Table} (as of the last prune pass).");
        }
    }

    /// <summary>The last pass's figures per table (empty before the first pass).</summary>
    public IReadOnlyList<TableRetention> Last => _last.OfType<TableRetention>().ToArray();

    /// <summary>Deletes every expired row, a batch per statement, then measures each table.</summary>
    public async Task<IReadOnlyList<TableRetention>> PruneAsync(CancellationToken cancellationToken)
    {
        var settings = _options.Value;
        var now = _time.GetUtcNow();
        var results = new TableRetention[_tables.Length];
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        for (var i = 0; i < _tables.Length; i++)
        {
            var table = _tables[i];
            var cutoff = now - table.Window(settings);
            long deleted = 0;
            int batch;
            do
            {
                // skip locked: a row the relay (or a consumer) holds is left for the next pass instead of waited for.
                batch = await connection.ExecuteAsync(new CommandDefinition(
                    $"""
                    delete from {table.Table} where ctid = any(array(
                        select ctid from {table.Table} where {table.ExpiresBy} < @cutoff limit @limit for update skip locked))
                    """,
                    new { cutoff, limit = settings.BatchSize }, cancellationToken: cancellationToken));
                deleted += batch;
            }
            while (batch >= settings.BatchSize);

            var (rows, oldest) = await connection.QuerySingleAsync<(long, DateTime?)>(new CommandDefinition(
                $"select count(*), min({table.AgeColumn}) from {table.Table}", cancellationToken: cancellationToken));
            results[i] = _last[i] = new TableRetention(table.Table, deleted, rows,
                oldest is { } o ? new DateTimeOffset(DateTime.SpecifyKind(o, DateTimeKind.Utc)) : null);
        }

        return results;
    }

    private sealed record RetainedTable(string Table, string Metric, string AgeColumn, string ExpiresBy, Func<RetentionOptions, TimeSpan> Window);
}
