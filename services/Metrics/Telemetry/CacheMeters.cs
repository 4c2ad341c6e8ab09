using System.Diagnostics.Metrics;
using Platform.Infrastructure.Telemetry;

namespace Platform.Metrics.Telemetry;

/// <summary>
/// The figures cache as operators watch it: every read by the tier that answered it (<c>local</c>: this replica's
/// memory, <c>redis</c>: the shared tier, <c>computed</c>: neither, so PostgreSQL was asked) and how long computing took.
/// </summary>
internal sealed class CacheMeters(ServiceMeter meter)
{
    private static readonly KeyValuePair<string, object?> Local = new("platform.cache.tier", "local");
    private static readonly KeyValuePair<string, object?> Redis = new("platform.cache.tier", "redis");
    private static readonly KeyValuePair<string, object?> ComputedTier = new("platform.cache.tier", "computed");

    private readonly Counter<long> _reads = meter.Counter("cache.reads", "{read}",
        "Reads of the headline, series and shares, by the tier that answered (platform.cache.tier: local, redis, computed)");

    private readonly Histogram<double> _compute = meter.Histogram("cache.compute_duration", "s",
        "Time to compute a figure set from PostgreSQL on a cache miss", [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);

    public void LocalHit() => _reads.Add(1, Local);

    public void RedisHit() => _reads.Add(1, Redis);

    public void Computed(TimeSpan elapsed)
    {
        _reads.Add(1, ComputedTier);
        _compute.Record(elapsed.TotalSeconds);
    }
}
