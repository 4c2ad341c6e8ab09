namespace Platform.Metrics.Caching;

/// <summary>Tunables of the two cache tiers (configuration section "Metrics:Cache").</summary>
internal sealed class CacheOptions
{
    /// <summary>Lifetime of the in-process tier: bounds staleness when a pub/sub invalidation is lost.</summary>
    public TimeSpan LocalTtl { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan RedisTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Each Redis operation gives up after this long (reads then go to PostgreSQL).</summary>
    public TimeSpan RedisOperationTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>After a Redis failure, Redis is skipped for this long.</summary>
    public TimeSpan CircuitBreak { get; set; } = TimeSpan.FromSeconds(3);

    public TimeSpan ComputeLockExpiry { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a replica waits for another one's computation before computing itself.</summary>
    public TimeSpan ComputeWait { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Watchers re-check at least this often (the fallback when pub/sub is down).</summary>
    public TimeSpan WatchPollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
