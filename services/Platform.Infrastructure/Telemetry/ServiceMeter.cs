using System.Diagnostics.Metrics;

namespace Platform.Infrastructure.Telemetry;

/// <summary>
/// A service's own meter, <c>Platform.&lt;Service&gt;</c>, whose instruments are named <c>platform.&lt;service&gt;.&lt;name&gt;</c>
/// with units in UCUM as the OpenTelemetry conventions ask (<c>By</c> for bytes, <c>s</c> for seconds, <c>{dataset}</c>
/// for counts of things). ServiceDefaults exports every <c>Platform.*</c> meter, so the dashboard's metrics page shows them.
/// Created from the host's <see cref="IMeterFactory"/>, so two hosts in one process (tests) keep separate figures.
/// </summary>
public sealed class ServiceMeter
{
    private readonly string _prefix;

    public ServiceMeter(IMeterFactory factory, string service)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        _prefix = $"platform.{service}.";
        Meter = factory.Create($"Platform.{char.ToUpperInvariant(service[0])}{service[1..]}");
    }

    public Meter Meter { get; }

    public Counter<long> Counter(string name, string unit, string description) =>
        Meter.CreateCounter<long>(_prefix + name, unit, description);

    public ObservableGauge<T> Gauge<T>(string name, Func<IEnumerable<Measurement<T>>> observe, string unit, string description)
        where T : struct =>
        Meter.CreateObservableGauge(_prefix + name, observe, unit, description);

    public Histogram<double> Histogram(string name, string unit, string description, IReadOnlyList<double> buckets) =>
        Meter.CreateHistogram(_prefix + name, unit, description, tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = buckets });

    /// <summary>An enum value as an attribute value, snake case as OpenTelemetry's are: <c>high_quality_dataset</c>.</summary>
    public static string Name(Enum value) =>
        string.Concat(value.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
