using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Samples new root traces (calls that arrive without a trace context, background work that starts one) at most
/// <c>perSecond</c> times a second and drops the rest — the rate-limiting sampler of Jaeger and X-Ray. A person
/// calling a method by hand always finds the trace on the dashboard; a client without trace context that sends
/// 20,000 calls a second (h2load, another team's service) gets a handful of whole traces a second instead of a span
/// tree exported per call, which cost those calls about a third of their throughput.
/// </summary>
public sealed class RootTraceSampler : Sampler
{
    private readonly long _interval;
    private long _next;

    /// <summary>A sampler that starts at most <paramref name="perSecond"/> root traces a second.</summary>
    public RootTraceSampler(double perSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        _interval = (long)(Stopwatch.Frequency / perSecond);
        Description = $"RootTraceSampler{{{perSecond}/s}}";
    }

    /// <summary>Samples when a root trace is due, else drops (the span is never created).</summary>
    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var now = Stopwatch.GetTimestamp();
        var next = Volatile.Read(ref _next);
        return now >= next && Interlocked.CompareExchange(ref _next, now + _interval, next) == next
            ? new SamplingResult(SamplingDecision.RecordAndSample)
            : new SamplingResult(SamplingDecision.Drop);
    }
}
