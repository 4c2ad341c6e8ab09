using Npgsql;
using Platform.Contracts;
using Platform.Metrics.Caching;
using Platform.Metrics.Data;

namespace Platform.Metrics.Consumers;

internal sealed class EvaluationRecordedConsumer(NpgsqlDataSource dataSource, StaleIndicators stale, ILogger<EvaluationRecordedConsumer> logger)
    : RecordConsumer<EvaluationRecorded>(dataSource, stale, logger)
{
    protected override Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EvaluationRecorded> messages, CancellationToken cancellationToken) =>
        DatasetEventWriter.EvaluationRecordedAsync(connection, transaction, messages, cancellationToken);
}
