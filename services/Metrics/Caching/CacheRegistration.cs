using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Platform.Metrics.Data;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Backplane.StackExchangeRedis;
using ZiggyCreatures.Caching.Fusion.Serialization;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace Platform.Metrics.Caching;

internal static class CacheRegistration
{
    /// <summary>
    /// FusionCache over the service's Redis connection (distributed tier and backplane), with <see cref="CacheOptions"/>:
    /// memory for <see cref="CacheOptions.LocalTtl"/>, Redis for <see cref="CacheOptions.RedisTtl"/>, each Redis operation
    /// bounded by <see cref="CacheOptions.RedisOperationTimeout"/>, Redis skipped for <see cref="CacheOptions.CircuitBreak"/>
    /// after a failure, and what failed while it was away (a clear) repeated when it returns (auto-recovery).
    /// Fail-safe: a value whose lifetime ended is answered again, for a second at a time, only when computing it fails;
    /// a clear removes values outright, so no value from before a change is ever answered after it.
    /// </summary>
    public static IServiceCollection AddIndicatorCache(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(CacheOptions.SectionName);
        var options = section.Get<CacheOptions>() ?? new CacheOptions();
        services.AddOptions<CacheOptions>().Bind(section);
        services.AddSingleton<ChangeSignal>();
        services.AddSingleton<IndicatorCache>();
        services.AddSingleton<StaleIndicators>();
        services.AddSingleton<Infrastructure.Writes.IAfterWrite>(sp => sp.GetRequiredService<StaleIndicators>());
        services.AddFusionCache()
            .WithOptions(fusion => Configure(fusion, options))
            .WithDefaultEntryOptions(EntryOptions(options))
            .WithSerializer(Serializer())
            .WithDistributedCache(services => new RedisCache(new RedisCacheOptions { ConnectionMultiplexerFactory = ServiceRedis(services) }))
            .WithBackplane(services => new RedisBackplane(new RedisBackplaneOptions { ConnectionMultiplexerFactory = ServiceRedis(services) }));
        return services;
    }

    /// <summary>The service's one Redis connection (registered in <c>Extensions</c>), shared by both uses.</summary>
    private static Func<Task<IConnectionMultiplexer>> ServiceRedis(IServiceProvider services) =>
        () => Task.FromResult(services.GetRequiredService<IConnectionMultiplexer>());

    /// <summary>The cache-wide options (keys, circuits, auto-recovery), also used by the tests' replicas.</summary>
    public static void Configure(FusionCacheOptions fusion, CacheOptions options)
    {
        fusion.CacheKeyPrefix = CacheKeys.Prefix;
        fusion.BackplaneChannelPrefix = CacheKeys.Prefix + "backplane";
        fusion.DistributedCacheCircuitBreakerDuration = options.CircuitBreak;
        fusion.BackplaneCircuitBreakerDuration = options.CircuitBreak;
        fusion.EnableAutoRecovery = true;
        // Hit counters are plain increments: run them inline rather than on the thread pool per read.
        fusion.EnableSyncEventHandlersExecution = true;
        fusion.WaitForInitialBackplaneSubscribe = false;
    }

    /// <summary>The figures through their source-generated contract; FusionCache's envelope around them by reflection.</summary>
    public static IFusionCacheSerializer Serializer() =>
        new FusionCacheSystemTextJsonSerializer(new JsonSerializerOptions
        {
            // As FusionCache asks of a System.Text.Json serializer (value tuples are fields); the figures have none.
            IncludeFields = true,
            TypeInfoResolver = JsonTypeInfoResolver.Combine(CacheJsonContext.Default, new DefaultJsonTypeInfoResolver()),
        });

    /// <summary>Every entry's options.</summary>
    public static FusionCacheEntryOptions EntryOptions(CacheOptions options) => new()
    {
        Duration = options.RedisTtl,
        MemoryCacheDuration = options.LocalTtl,
        DistributedCacheHardTimeout = options.RedisOperationTimeout,
        // A write's clear reaches Redis and the backplane before the write is answered.
        AllowBackgroundDistributedCacheOperations = false,
        AllowBackgroundBackplaneOperations = false,
        IsFailSafeEnabled = true,
        // Longer than Duration, as FusionCache requires (it would otherwise fix the options and warn on every read).
        FailSafeMaxDuration = options.RedisTtl * 2,
        FailSafeThrottleDuration = TimeSpan.FromSeconds(1),
    };
}
