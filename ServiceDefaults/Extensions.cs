using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Platform.TokenClient;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every service of the platform shares: OpenTelemetry exported over OTLP to the Aspire dashboard,
/// health endpoints (<c>/health</c>, <c>/alive</c>, <c>grpc.health.v1</c>), gRPC server reflection,
/// service discovery and resilient HTTP clients.
/// </summary>
public static class Extensions
{
    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";

    /// <summary>New root traces a service starts per second at most; enough for a person at the dashboard.</summary>
    private const double DefaultRootTracesPerSecond = 10;

    /// <summary>Adds the platform's service defaults.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks(options =>
            {
                // grpc.health.v1 reports SERVING only when every "ready" check (databases, broker, cache) passes.
                options.Services.Map(string.Empty, registration => registration.Tags.Contains("ready") || registration.Tags.Contains("live"));
                // Answer Check from the results the background publisher keeps fresh, instead of querying
                // PostgreSQL and the broker on every probe: a probe must stay cheap under load.
                options.UseHealthChecksCache = true;
            })
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        builder.Services.Configure<HealthCheckPublisherOptions>(options =>
        {
            options.Delay = TimeSpan.FromSeconds(1);
            options.Period = TimeSpan.FromSeconds(5);
        });

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // The standard handler retries only idempotent requests by default; gRPC calls are POSTs, so they
            // are never blindly retried here (gRPC clients get their own, status-aware retry policy if any).
            http.AddStandardResilienceHandler(options => options.Retry.DisableForUnsafeHttpMethods());
            http.AddServiceDiscovery();
        });

        return builder;
    }

    /// <summary>
    /// A gRPC client for another service of the mesh, addressed through service discovery
    /// (<c>http://_grpc.{service}</c>, resolved from <c>services__{service}__grpc__0</c>). The HTTP resilience
    /// handlers are removed: their timeouts would cut long-lived streams and their retries would replay
    /// non-idempotent calls; callers set deadlines per call instead.
    /// </summary>
    /// <remarks>
    /// When <c>Identity:Authority</c>, <c>Identity:ClientId</c> and <c>Identity:ClientSecret</c> are configured (the app
    /// host sets them), every call carries this service's own client-credentials token, cached and refreshed before it
    /// expires.
    /// </remarks>
    public static IHttpClientBuilder AddServiceGrpcClient<TClient>(this IServiceCollection services, string serviceName)
        where TClient : class
    {
        services.TryAddSingleton<CallerTokens>();
        var client = services.AddGrpcClient<TClient>(options => options.Address = new Uri($"http://_grpc.{serviceName}"));
#pragma warning disable EXTEXP0001 // Evaluation API; it is the supported way to undo ConfigureHttpClientDefaults for one client.
        return client.RemoveAllResilienceHandlers()
            .AddHttpMessageHandler(sp => sp.GetRequiredService<CallerTokens>().CreateHandler());
#pragma warning restore EXTEXP0001
    }

    /// <summary>This service's token client, when it has credentials of its own.</summary>
    private sealed class CallerTokens(IConfiguration configuration) : IDisposable
    {
        private readonly TokenClient? _tokens = ClientCredentials.From(key => configuration[key]) is { } credentials ? new TokenClient(credentials) : null;

        public DelegatingHandler CreateHandler() => _tokens is null ? new PassThrough() : new BearerTokenHandler(_tokens);

        public void Dispose() => _tokens?.Dispose();

        private sealed class PassThrough : DelegatingHandler;
    }

    /// <summary>Traces, metrics and logs over OTLP (the dashboard sets <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>).</summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("MassTransit")
                .AddMeter("Platform.*"))
            .WithTracing(tracing => tracing
                // Follow the caller's sampling decision (W3C traceparent flags): a bulk client such as the scenario
                // loader marks most of its calls unsampled. Calls that arrive without one start a new trace at most
                // Platform:Tracing:RootTracesPerSecond times a second (see RootTraceSampler).
                .SetSampler(new ParentBasedSampler(new RootTraceSampler(
                    builder.Configuration.GetValue("Platform:Tracing:RootTracesPerSecond", DefaultRootTracesPerSecond))))
                .AddSource(builder.Environment.ApplicationName)
                .AddSource("MassTransit")
                .AddSource("Platform.*")
                .AddAspNetCoreInstrumentation(options =>
                    // Health probes would drown the traces that matter.
                    options.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath)
                        && !context.Request.Path.StartsWithSegments("/grpc.health.v1.Health"))
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation(options =>
                    options.FilterHttpRequestMessage = request =>
                        request.RequestUri?.AbsolutePath.StartsWith("/grpc.health.v1.Health", StringComparison.Ordinal) != true)
                .AddRedisInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>A liveness check that only says the process answers.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks();
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (every check), <c>/alive</c> (liveness only), <c>grpc.health.v1</c>, and gRPC reflection
    /// in Development or where <c>Platform:Grpc:Reflection</c> is true: elsewhere the schema is the published protos.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Probes and reflection answer without a token; every other endpoint is the service's to authorise.
        app.MapHealthChecks(HealthEndpointPath).AllowAnonymous();
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") }).AllowAnonymous();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        if (app.Configuration.GetValue("Platform:Grpc:Reflection", app.Environment.IsDevelopment()))
        {
            app.MapGrpcReflectionService().AllowAnonymous();
        }

        return app;
    }
}
