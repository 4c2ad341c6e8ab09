namespace Platform.Metrics.Caching;

/// <summary>Tunables of the figures' cache (configuration section "Metrics:Cache").</summary>
internal sealed class CacheOptions
{
    public const string SectionName = "Metrics:Cache";

    /// <summary>Lifetime in this replica's memory: bounds staleness when a backplane message is lost.</summary>
    public TimeSpan LocalTtl { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan RedisTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Each Redis operation gives up after this long (reads then go to PostgreSQL).</summary>
    public TimeSpan RedisOperationTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>After a Redis failure, Redis is skipped for this long.</summary>
    public TimeSpan CircuitBreak { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Watchers re-check at least this often (the fallback when the backplane is down).</summary>
    public TimeSpan WatchPollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
