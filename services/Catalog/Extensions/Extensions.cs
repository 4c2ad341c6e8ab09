using Platform.Catalog.Data;
using Platform.Catalog.Model;
using Platform.Catalog.Search;
using Platform.Catalog.Telemetry;
using Platform.Infrastructure.Grpc;
using Platform.Infrastructure.Messaging;
using Platform.Infrastructure.Postgres;
using Platform.Infrastructure.Retention;
using Platform.Infrastructure.Writes;

namespace Platform.Catalog.Extensions;

internal static class Extensions
{
    public const string DatabaseConnectionName = "catalogdb";
    public const string BrokerConnectionName = "rabbitmq";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPostgres(DatabaseConnectionName, typeof(Extensions).Assembly);
        builder.AddMessaging(BrokerConnectionName);
        builder.AddRetention();

        builder.Services.AddPlatformGrpc(builder.Configuration);
        builder.Services.AddOpenApiPages("Platform catalog service");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IDomainMeters, CatalogMeters>();
        builder.Services.AddOptions<CertificationOptions>()
            .BindConfiguration(CertificationOptions.SectionName)
            .Validate(o => o.NoticePeriod >= TimeSpan.Zero, "Catalog:Certification:NoticePeriod must not be negative")
            .ValidateOnStart();
        builder.Services.AddOptions<SearchIndexOptions>().BindConfiguration(SearchIndexOptions.SectionName);
        builder.Services.AddSingleton<SearchIndex>();
        builder.Services.AddSingleton<DatasetCache>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SearchIndex>());
        builder.Services.AddSingleton<DatasetStore>();
        builder.Services.AddSingleton<DatasetQueries>();
        builder.Services.AddSingleton<EvaluationStore>();
        builder.Services.AddSingleton<EvaluationQueries>();
        builder.Services.AddSingleton<LineageStore>();
        builder.Services.AddSingleton<RevisionStore>();
        builder.Services.AddSingleton<Grpc.CatalogPages>();
    }
}
