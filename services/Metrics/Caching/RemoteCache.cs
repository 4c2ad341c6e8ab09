using StackExchange.Redis;

namespace Platform.Metrics.Caching;

/// <summary>The shared (Redis) tier, as the tiered cache needs it; a fake stands in for it in unit tests.</summary>
internal interface IRemoteCache
{
    bool IsConnected { get; }

    /// <summary>The value at <paramref name="key"/> (null when missing) and the current generation.</summary>
    Task<(byte[]? Value, long Generation)> GetAsync(string key);

    Task SetAsync(string key, byte[] value, TimeSpan ttl);

    Task<bool> TryLockAsync(string key, string token, TimeSpan expiry);

    Task ReleaseLockAsync(string key, string token);

    /// <summary>Makes every cached value stale (new generation) and tells the other replicas.</summary>
    Task BumpGenerationAsync(string instanceId);
}

internal sealed class RedisRemoteCache(IConnectionMultiplexer redis) : IRemoteCache
{
    public bool IsConnected => redis.IsConnected;

    public async Task<(byte[]? Value, long Generation)> GetAsync(string key)
    {
        var values = await redis.GetDatabase().StringGetAsync([key, CacheKeys.Generation]);
        return ((byte[]?)values[0], values[1].HasValue ? (long)values[1] : 0);
    }

    public Task SetAsync(string key, byte[] value, TimeSpan ttl) =>
        redis.GetDatabase().StringSetAsync(key, value, ttl);

    public Task<bool> TryLockAsync(string key, string token, TimeSpan expiry) =>
        redis.GetDatabase().LockTakeAsync(key, token, expiry);

    public Task ReleaseLockAsync(string key, string token) =>
        redis.GetDatabase().LockReleaseAsync(key, token);

    public async Task BumpGenerationAsync(string instanceId)
    {
        await redis.GetDatabase().StringIncrementAsync(CacheKeys.Generation);
        await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(CacheKeys.ChangedChannel), instanceId);
    }
}
