using System.Diagnostics.Metrics;
using Google.Protobuf;
using Platform.Infrastructure.Telemetry;
using Platform.Infrastructure.Writes;
using Platform.Metrics.V1;

namespace Platform.Metrics.Telemetry;

/// <summary>
/// Metrics' domain instruments: reports received by kind (token usage, training corpus) and the tokens they report,
/// counted by the write path for every committed write (and by <c>ReportTokenUsage</c>'s stream when it ends).
/// </summary>
internal sealed class MetricsMeters(ServiceMeter meter) : IDomainMeters
{
    private readonly Counter<long> _reports = meter.Counter("reports", "{report}",
        "Reports received and committed, by kind (platform.report.kind: token_usage, training_corpus)");

    private readonly Counter<long> _tokens = meter.Counter("reported_tokens", "{token}",
        "Tokens reported as consumed (the sum of the token-usage reports committed; H6 is computed from them)");

    public void Committed(string method, IMessage response)
    {
        switch (response)
        {
            case ReportTokenUsageResponse usage:
                _reports.Add(usage.Received, new KeyValuePair<string, object?>("platform.report.kind", "token_usage"));
                break;
            case ReportTrainingCorpusResponse:
                _reports.Add(1, new KeyValuePair<string, object?>("platform.report.kind", "training_corpus"));
                break;
        }
    }

    /// <summary>The tokens of token-usage reports just committed (summed as <see cref="Int128"/>: 50,000 reports of up to 10^15 tokens exceed a long).</summary>
    public void TokensReported(Int128 tokens)
    {
        for (; tokens > 0; tokens -= long.MaxValue)
        {
            _tokens.Add((long)Int128.Min(tokens, long.MaxValue));
        }
    }
}
