using Platform.Catalog.V1;
using Platform.Infrastructure.Grpc;
using Platform.Infrastructure.Messaging;
using Platform.Infrastructure.Postgres;
using Platform.Infrastructure.Retention;
using Platform.Infrastructure.Writes;
using Platform.Trading.Consumers;
using Platform.Trading.Data;
using Platform.Trading.Grpc;
using Platform.Trading.Telemetry;

namespace Platform.Trading.Extensions;

internal static class Extensions
{
    public const string DatabaseConnectionName = "tradingdb";
    public const string BrokerConnectionName = "rabbitmq";
    public const string CatalogServiceName = "catalog";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPostgres(DatabaseConnectionName, typeof(Extensions).Assembly);
        builder.AddMessaging(BrokerConnectionName, bus => bus.AddConsumer<DatasetRetiredConsumer>());
        builder.AddRetention();

        builder.Services.AddServiceGrpcClient<CatalogService.CatalogServiceClient>(CatalogServiceName);
        builder.Services.AddOptions<CatalogOptions>().BindConfiguration(CatalogOptions.Section);
        builder.Services.AddPlatformGrpc(builder.Configuration);
        builder.Services.AddOpenApiPages("Platform trading service");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IDomainMeters, TradingMeters>();
        builder.Services.AddSingleton<ExchangeRepository>();
        builder.Services.AddSingleton<ListingRepository>();
        builder.Services.AddTransient<Grpc.ListingCreation>();
        builder.Services.AddSingleton<TradeRepository>();
        builder.Services.AddTransient<CatalogGateway>();
    }
}
