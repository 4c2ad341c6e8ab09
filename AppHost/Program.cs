using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Platform.AppHost;
using Platform.AppHost.Servers;

var builder = DistributedApplication.CreateBuilder(args);
builder.Services.AddHostedService<ResourceStateLogger>();

// Fixed gRPC and HTTP ports for people and tools on this machine; tests turn them off to run beside a running platform.
var fixedPorts = builder.Configuration.GetValue("Platform:FixedPorts", true);
int? FixedPort(int port) => fixedPorts ? port : null;

// The token service first: every service validates tokens against it, trading and the tools get theirs from it. Its
// clients file and signing key live under .data/identity (generated on first start, never committed).
var identityData = Path.Combine(LocalServerExtensions.DataDirectoryOf(builder), "identity");
var clientSecrets = IdentityClients.Ensure(identityData);
var identityPort = fixedPorts ? ResourceNames.IdentityPort : FreePort.Next();
var authority = $"http://127.0.0.1:{identityPort}/";
var identity = builder.AddProject<Projects.Identity>(ResourceNames.Identity, launchProfileName: null)
    .WithPlainHttp()
    .WithEarlyTierPromotion()
    .WithHttpEndpoint(name: ResourceNames.HttpEndpoint, port: identityPort, targetPort: identityPort, isProxied: false)
    .WithEnvironment("Kestrel__Endpoints__http__Url", $"http://localhost:{identityPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}")
    .WithEnvironment("Kestrel__Endpoints__http__Protocols", "Http1")
    .WithEnvironment("Identity__DataPath", identityData)
    .WithEnvironment("Identity__Issuer", authority)
    .WithHttpHealthCheck("/health", endpointName: ResourceNames.HttpEndpoint);

// One page-token MAC key for every service and replica of this app host's run, so a next_page_token works against
// any replica (each process would draw its own otherwise); tokens from an earlier run are refused as page_token.
const string PageTokenKeyVariable = "Platform__PageTokenKey";
var pageTokenKey = builder.Configuration["Platform:PageTokenKey"] is { Length: > 0 } configuredKey
    ? configuredKey
    : Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

var postgres = builder.AddPostgresServer(ResourceNames.Postgres);
var redis = builder.AddRedisServer(ResourceNames.Redis);
var rabbitMq = builder.AddRabbitMqServer(ResourceNames.RabbitMq);

// Metrics starts first: its queues must exist before catalog and trading publish, or the broker would drop events
// nobody is bound to yet (queues are durable, so this matters on a new broker).
var metrics = builder.AddProject<Projects.Metrics>(ResourceNames.Metrics, launchProfileName: null)
    .WithPlainHttp()
    .WithYoungGenerationBudget()
    .WithEarlyTierPromotion()
    .WithGrpcAndHealthEndpoints(FixedPort(ResourceNames.MetricsGrpcPort), FixedPort(ResourceNames.MetricsHttpPort))
    .WithTokenAuthority(identity, authority)
    .WithEnvironment($"ConnectionStrings__{ResourceNames.MetricsDb}", postgres.Database("metrics"))
    .WaitFor(postgres)
    .WithReference(redis).WaitFor(redis)
    .WithReference(rabbitMq).WaitFor(rabbitMq);

var catalog = builder.AddProject<Projects.Catalog>(ResourceNames.Catalog, launchProfileName: null)
    .WithPlainHttp()
    .WithYoungGenerationBudget()
    .WithEarlyTierPromotion()
    .WithGrpcAndHealthEndpoints(FixedPort(ResourceNames.CatalogGrpcPort), FixedPort(ResourceNames.CatalogHttpPort))
    .WithTokenAuthority(identity, authority)
    .WithEnvironment($"ConnectionStrings__{ResourceNames.CatalogDb}", postgres.Database("catalog"))
    .WithEnvironment(PageTokenKeyVariable, pageTokenKey)
    .WaitFor(postgres)
    .WaitFor(metrics)
    .WithReference(rabbitMq).WaitFor(rabbitMq);
if (builder.Configuration["Platform:CertificationNoticePeriod"] is { Length: > 0 } noticePeriod)
{
    // Local runs shorten the public notice period (3 days in production) so the national scenario can certify.
    catalog.WithEnvironment("Catalog__Certification__NoticePeriod", noticePeriod);
}

var trading = builder.AddProject<Projects.Trading>(ResourceNames.Trading, launchProfileName: null)
    .WithPlainHttp()
    .WithYoungGenerationBudget()
    .WithEarlyTierPromotion()
    .WithGrpcAndHealthEndpoints(FixedPort(ResourceNames.TradingGrpcPort), FixedPort(ResourceNames.TradingHttpPort))
    .WithTokenAuthority(identity, authority)
    .WithClientCredentials(IdentityClients.Trading, clientSecrets)
    .WithEnvironment($"ConnectionStrings__{ResourceNames.TradingDb}", postgres.Database("trading"))
    .WithEnvironment(PageTokenKeyVariable, pageTokenKey)
    .WaitFor(postgres)
    .WaitFor(metrics)
    .WithReference(rabbitMq).WaitFor(rabbitMq)
    .WithReference(catalog.GetEndpoint(ResourceNames.GrpcEndpoint)).WaitFor(catalog);



// The national scenario, loaded through the public gRPC APIs once everything is healthy. Platform:LoadScenario=false
// leaves it for the dashboard's Start command.
var scenario = builder.AddProject<Projects.Platform_ScenarioLoader>(ResourceNames.ScenarioLoader, launchProfileName: null)
    .WithPlainHttp()
    .WithTokenAuthority(identity, authority)
    .WithClientCredentials(IdentityClients.ScenarioLoader, clientSecrets)
    .WithReference(catalog.GetEndpoint(ResourceNames.GrpcEndpoint)).WaitFor(catalog)
    .WithReference(trading.GetEndpoint(ResourceNames.GrpcEndpoint)).WaitFor(trading)
    .WithReference(metrics.GetEndpoint(ResourceNames.GrpcEndpoint)).WaitFor(metrics);
if (builder.Configuration["Platform:ScenarioScale"] is { Length: > 0 } scale)
{
    // ./run.sh --scale N: the automatic load (and the dashboard's, unless it says otherwise) is N times the nation.
    scenario.WithEnvironment("SCENARIO_SCALE", scale);
}

scenario.WithLoaderCommands(metrics, [catalog, trading, metrics]);
if (!builder.Configuration.GetValue("Platform:LoadScenario", true))
{
    scenario.WithExplicitStart();
}

builder.Build().Run();
