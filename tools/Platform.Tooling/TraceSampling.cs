using System.Diagnostics;

namespace Platform.Tooling;

/// <summary>
/// Starts a trace per call and marks all but one call in <c>every</c> as not sampled (W3C traceparent flags 00). The
/// services sample parent-based, so a bulk load or a load test records a representative few traces instead of a span
/// tree per call, whose recording and export to the dashboard would otherwise be most of what is measured.
/// </summary>
public sealed class TraceSampling(int every) : DelegatingHandler
{
    private long _calls;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Headers.Contains("traceparent"))
        {
            var sampled = every > 0 && Interlocked.Increment(ref _calls) % every == 1 % every;
            request.Headers.TryAddWithoutValidation(
                "traceparent", $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-{(sampled ? "01" : "00")}");
        }

        return base.SendAsync(request, cancellationToken);
    }
}
