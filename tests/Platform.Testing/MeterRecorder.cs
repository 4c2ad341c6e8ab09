using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Platform.Infrastructure.Telemetry;

namespace Platform.Testing;

/// <summary>
/// Records what a host's own meter (<see cref="ServiceMeter"/>) measures while it is alive, so a test can assert what an
/// operator's dashboard would show: the sum of an instrument's measurements with given tags.
/// </summary>
public sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

    /// <summary>Records the meter of the host whose services these are.</summary>
    public MeterRecorder(IServiceProvider services)
        : this(meter => ReferenceEquals(meter, services.GetRequiredService<ServiceMeter>().Meter))
    {
    }

    private MeterRecorder(Func<Meter, bool> recorded)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (recorded(instrument.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _measurements.Enqueue((instrument.Name, value, tags.ToArray())));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => _measurements.Enqueue((instrument.Name, value, tags.ToArray())));
        _listener.Start();
    }

    /// <summary>
    /// Records every host's meter of that name in this process: for what any replica of a service may do (the replicas of
    /// a test compete for its queues).
    /// </summary>
    public static MeterRecorder AllReplicas(string meterName) => new(meter => meter.Name == meterName);

    /// <summary>The sum of <paramref name="instrument"/>'s measurements that carry every one of <paramref name="tags"/>.</summary>
    public long Sum(string instrument, params (string Key, string Value)[] tags) => (long)Matching(instrument, tags).Sum();

    /// <summary>The values a histogram (or any instrument) recorded with every one of <paramref name="tags"/>.</summary>
    public IReadOnlyList<double> Values(string instrument, params (string Key, string Value)[] tags) => Matching(instrument, tags).ToList();

    private IEnumerable<double> Matching(string instrument, (string Key, string Value)[] tags) =>
        _measurements
            .Where(m => m.Instrument == instrument && tags.All(t => m.Tags.Any(x => x.Key == t.Key && Equals(x.Value as string, t.Value))))
            .Select(m => m.Value);

    public void Dispose() => _listener.Dispose();
}
