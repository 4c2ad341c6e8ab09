using Grpc.AspNetCore.Server.Model;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Infrastructure.Grpc;
using Platform.Infrastructure.Messaging;
using Platform.Infrastructure.Postgres;
using Platform.Infrastructure.Retention;
using Platform.Infrastructure.Writes;
using Platform.Metrics.Caching;
using Platform.Metrics.Consumers;
using Platform.Metrics.Data;
using Platform.Metrics.Grpc;
using Platform.Metrics.Indicators;
using Platform.Metrics.Telemetry;
using StackExchange.Redis;

namespace Platform.Metrics.Extensions;

internal static class Extensions
{
    public const string DatabaseConnectionName = "metricsdb";
    public const string BrokerConnectionName = "rabbitmq";
    public const string CacheConnectionName = "redis";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPostgres(DatabaseConnectionName, typeof(Extensions).Assembly);
        builder.AddMessaging(BrokerConnectionName, bus =>
        {
            bus.AddConsumer<DatasetCertifiedConsumer, RecordConsumerDefinition<DatasetCertifiedConsumer>>();
            bus.AddConsumer<DatasetUpdatedConsumer, RecordConsumerDefinition<DatasetUpdatedConsumer>>();
            bus.AddConsumer<DatasetRetiredConsumer, RecordConsumerDefinition<DatasetRetiredConsumer>>();
            bus.AddConsumer<ListingCreatedConsumer, RecordConsumerDefinition<ListingCreatedConsumer>>();
            bus.AddConsumer<ListingDelistedConsumer, RecordConsumerDefinition<ListingDelistedConsumer>>();
            bus.AddConsumer<TradeSettledConsumer, RecordConsumerDefinition<TradeSettledConsumer>>();
            bus.AddConsumer<EquityContributionRecordedConsumer, RecordConsumerDefinition<EquityContributionRecordedConsumer>>();
            bus.AddConsumer<EvaluationRecordedConsumer, RecordConsumerDefinition<EvaluationRecordedConsumer>>();
        });
        // Registrations were consumed until no indicator was found to read them (every figure counts certified
        // datasets, and a certification carries the facts): their queue would otherwise fill for good.
        builder.RetireQueues(BrokerConnectionName, "metrics-dataset-registered");
        builder.AddRetention();

        var redis = builder.Configuration.GetConnectionString(CacheConnectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{CacheConnectionName} is not configured.");
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var options = ConfigurationOptions.Parse(redis);
            // Fail fast when Redis is down: reads fall back to PostgreSQL instead of stalling.
            options.AbortOnConnectFail = false;
            options.ConnectTimeout = 1000;
            options.SyncTimeout = 500;
            options.AsyncTimeout = 500;
            options.BacklogPolicy = BacklogPolicy.FailFast;
            return ConnectionMultiplexer.Connect(options);
        });

        builder.Services.AddPlatformGrpc(builder.Configuration);
        builder.Services.AddOpenApiPages("Platform metrics service");
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<MetricsGrpcService>, HeadlineBinding.MethodProvider>());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<MetricsMeters>();
        builder.Services.AddSingleton<IDomainMeters>(services => services.GetRequiredService<MetricsMeters>());
        builder.Services.AddSingleton<CacheMeters>();
        builder.Services.AddIndicatorCache(builder.Configuration);
        builder.Services.AddSingleton<IndicatorQueries>();
        builder.Services.AddSingleton<IndicatorReader>();
        builder.Services.AddSingleton<TokenUsageWriter>();
    }
}
