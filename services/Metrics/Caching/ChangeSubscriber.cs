using StackExchange.Redis;

namespace Platform.Metrics.Caching;

/// <summary>
/// Listens on the Redis change channel: another replica's change drops this replica's in-process values and wakes
/// its watchers. Subscribes again until it succeeds (Redis may be down at start-up); after a reconnect it drops the
/// in-process values too, since announcements may have been missed meanwhile.
/// </summary>
internal sealed partial class ChangeSubscriber(IConnectionMultiplexer redis, TieredCache cache, ILogger<ChangeSubscriber> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        redis.ConnectionRestored += (_, _) => cache.InvalidateLocal();
        var channel = RedisChannel.Literal(CacheKeys.ChangedChannel);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (redis.IsConnected)
                {
                    await redis.GetSubscriber().SubscribeAsync(channel, (_, message) =>
                    {
                        if (message != cache.InstanceId)
                        {
                            cache.InvalidateLocal();
                        }
                    });
                    return;
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogSubscribeFailed(logger, ex);
            }

            await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Subscribing to Redis change announcements failed; retrying")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);
}
