using System.Diagnostics.Metrics;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Infrastructure.Telemetry;

namespace Platform.Infrastructure.Outbox;

/// <summary>
/// The outbox's backlog on the service's meter: <c>platform.&lt;service&gt;.outbox.backlog</c> (committed events not
/// published yet, set-aside rows not counted) and <c>outbox.oldest_unpublished_age</c> (how long the oldest of them
/// has waited; 0 when there is none), sampled by the relay every <see cref="Interval"/> from the index of unpublished
/// rows; and <c>outbox.relay_failures</c>, relay passes that failed (broker or database unreachable).
/// </summary>
public sealed partial class OutboxBacklog
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;
    private readonly ILogger<OutboxBacklog> _logger;
    private readonly Counter<long> _relayFailures;
    private (long Rows, DateTimeOffset? Oldest)? _last;
    private DateTimeOffset _due = DateTimeOffset.MinValue;

    public OutboxBacklog(NpgsqlDataSource dataSource, ServiceMeter meter, TimeProvider time, ILogger<OutboxBacklog> logger)
    {
        _dataSource = dataSource;
        _time = time;
        _logger = logger;
        meter.Gauge("outbox.backlog",
            () => _last is { } last ? [new Measurement<long>(last.Rows)] : Array.Empty<Measurement<long>>(),
            "{row}", "Committed events the relay has not published yet (set-aside rows not counted)");
        meter.Gauge("outbox.oldest_unpublished_age",
            () => _last is { } last
                ? [new Measurement<double>(last.Oldest is { } oldest ? Math.Max(0, (_time.GetUtcNow() - oldest).TotalSeconds) : 0)]
                : Array.Empty<Measurement<double>>(),
            "s", "How long the oldest unpublished event has waited for the relay (0 when none waits)");
        _relayFailures = meter.Counter("outbox.relay_failures", "{pass}", "Relay passes that failed (broker or database unreachable); their events stay and are retried");
    }

    /// <summary>The last sample: unpublished rows and the oldest one's commit time (null before the first sample).</summary>
    public (long Rows, DateTimeOffset? Oldest)? Last => _last;

    public void RelayFailed() => _relayFailures.Add(1);

    /// <summary>Reads the backlog when the last reading is older than <see cref="Interval"/>; a failure leaves the last one.</summary>
    public async Task SampleIfDueAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (now < _due)
        {
            return;
        }

        _due = now + Interval;
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            var (rows, oldest) = await connection.QuerySingleAsync<(long, DateTime?)>(new CommandDefinition(
                "select count(*), min(created_at) from outbox_messages where published_at is null and failed_at is null",
                cancellationToken: cancellationToken));
            _last = (rows, oldest is { } o ? new DateTimeOffset(DateTime.SpecifyKind(o, DateTimeKind.Utc)) : null);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            LogSampleFailed(_logger, ex);
        }
    }

    [LoggerMessage(LogLevel.Debug, "Outbox backlog not sampled: the database did not answer")]
    private static partial void LogSampleFailed(ILogger logger, Exception exception);
}
