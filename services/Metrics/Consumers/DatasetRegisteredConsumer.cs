using Npgsql;
using Platform.Contracts;
using Platform.Metrics.Caching;
using Platform.Metrics.Data;

namespace Platform.Metrics.Consumers;

internal sealed class DatasetRegisteredConsumer(NpgsqlDataSource dataSource, StaleIndicators stale, ILogger<DatasetRegisteredConsumer> logger)
    : RecordConsumer<DatasetRegistered>(dataSource, stale, logger)
{
    /// <summary>
    /// A registration stores the facts a later certification counts, but counts nothing itself: every indicator is
    /// about certified datasets, and registration facts (the oldest) never replace a certified dataset's facts.
    /// </summary>
    protected override bool ChangesIndicators => false;

    protected override Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<DatasetRegistered> messages, CancellationToken cancellationToken) =>
        DatasetEventWriter.DatasetRegisteredAsync(connection, transaction, messages, cancellationToken);
}
