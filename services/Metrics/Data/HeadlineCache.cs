using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Platform.Metrics.Data;

/// <summary>Cache-aside for the headline snapshot in Redis; PostgreSQL answers when Redis does not.</summary>
internal sealed partial class HeadlineCache(IConnectionMultiplexer redis, IndicatorStore store, ILogger<HeadlineCache> logger)
{
    public const string HeadlineKey = "metrics:headline:v1";

    public async Task<HeadlineSnapshot> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            var cached = await redis.GetDatabase().StringGetAsync(HeadlineKey);
            if (cached.HasValue)
            {
                return JsonSerializer.Deserialize((byte[])cached!, CacheJsonContext.Default.HeadlineSnapshot)!;
            }
        }
        catch (RedisException ex)
        {
            LogRedisUnavailable(logger, ex);
        }

        var snapshot = await store.ComputeHeadlineAsync(cancellationToken);
        try
        {
            await redis.GetDatabase().StringSetAsync(HeadlineKey, JsonSerializer.SerializeToUtf8Bytes(snapshot, CacheJsonContext.Default.HeadlineSnapshot));
        }
        catch (RedisException ex)
        {
            LogRedisUnavailable(logger, ex);
        }

        return snapshot;
    }

    public async Task InvalidateAsync()
    {
        try
        {
            await redis.GetDatabase().KeyDeleteAsync(HeadlineKey);
        }
        catch (RedisException ex)
        {
            LogRedisUnavailable(logger, ex);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Redis is unavailable; answering from PostgreSQL")]
    private static partial void LogRedisUnavailable(ILogger logger, Exception exception);
}

[JsonSerializable(typeof(HeadlineSnapshot))]
internal sealed partial class CacheJsonContext : JsonSerializerContext;
