using Google.Protobuf;
using Platform.Infrastructure.Writes;
using Platform.Metrics.V1;

namespace Platform.Metrics.Caching;

/// <summary>
/// The one place the metrics service makes its cached indicators stale (<see cref="IndicatorCache.InvalidateAsync"/>),
/// always after the change is committed: a report through the write path that stored something (as an
/// <see cref="IAfterWrite"/> hook, so a retried report repeats it), a token-usage stream, a consumed batch of events,
/// and the operator's rebuild and clear.
/// </summary>
internal sealed class StaleIndicators(IndicatorCache cache) : IAfterWrite
{
    public Task AnsweredAsync(WriteCall call, IReadOnlyList<IMessage> answers) =>
        answers.Any(Changed) ? MarkStaleAsync() : Task.CompletedTask;

    /// <summary>After records the indicators count were committed (or may have been: a redelivered event, a stream cut short), or on an operator's command.</summary>
    public Task MarkStaleAsync() => cache.InvalidateAsync();

    /// <summary>The write answers that say records changed; the operator's commands clear on their own, before they recompute.</summary>
    private static bool Changed(IMessage answer) => answer switch
    {
        ReportTokenUsageResponse usage => usage.Stored > 0,
        ReportTrainingCorpusResponse corpus => corpus.Applied,
        _ => false,
    };
}
