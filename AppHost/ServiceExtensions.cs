using Microsoft.Extensions.Hosting;

namespace Platform.AppHost;

internal static class ServiceExtensions
{
    /// <summary>
    /// Gives a service its two Kestrel endpoints, each at a fixed port in development unless null: <c>grpc</c> (HTTP/2
    /// without TLS) and <c>http</c> (HTTP/1.1: /health and /alive, which Aspire's HTTP health check speaks, and the JSON
    /// routes of the service's methods).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithGrpcAndHealthEndpoints(this IResourceBuilder<ProjectResource> project, int? grpcPort, int? httpPort)
    {
        // Not proxied: calls reach Kestrel directly rather than through DCP's proxy, which costs a core under load.
        var grpcTarget = grpcPort ?? FreePort.Next();
        var httpTarget = httpPort ?? FreePort.Next();
        project
            .WithHttpEndpoint(name: ResourceNames.GrpcEndpoint, port: grpcTarget, targetPort: grpcTarget, isProxied: false)
            .WithHttpEndpoint(name: ResourceNames.HttpEndpoint, port: httpTarget, targetPort: httpTarget, isProxied: false);
        var grpc = project.GetEndpoint(ResourceNames.GrpcEndpoint);
        var http = project.GetEndpoint(ResourceNames.HttpEndpoint);
        return project
            .WithEnvironment("Kestrel__Endpoints__grpc__Url", ReferenceExpression.Create($"http://localhost:{grpc.Property(EndpointProperty.TargetPort)}"))
            .WithEnvironment("Kestrel__Endpoints__grpc__Protocols", "Http2")
            .WithEnvironment("Kestrel__Endpoints__http__Url", ReferenceExpression.Create($"http://localhost:{http.Property(EndpointProperty.TargetPort)}"))
            .WithEnvironment("Kestrel__Endpoints__http__Protocols", "Http1")
            // The services run as Production; a development app host turns gRPC reflection on, for buf curl.
            .WithEnvironment("Platform__Grpc__Reflection", project.ApplicationBuilder.Environment.IsDevelopment() ? "true" : "false")
            .WithHttpHealthCheck("/health", endpointName: ResourceNames.HttpEndpoint)
            // A link on the dashboard to the service's OpenAPI page (its JSON routes, browsable and callable).
            .WithUrl(ReferenceExpression.Create($"{http.Property(EndpointProperty.Url)}/swagger"), "OpenAPI");
    }

    /// <summary>
    /// A 64 MB first-generation budget for the garbage collector (<c>DOTNET_GCgen0size</c>) instead of the workstation
    /// collector's few MB, unless the app host's own environment sets one. The services keep large, long-lived state
    /// (the catalog's datasets and search index) beside a high allocation rate while writing, and each collection of
    /// the young generations scans what the old one changed. Measured on 2 cores over a ×1 load, in the catalog: 274
    /// collections (92 gen0, 160 gen1, 22 gen2) pausing 6.4 s, against 68-69 pausing 3.1-3.5 s; its processor time 15.2 s
    /// against 11.6-12.5 s. Each service's working set grows by 35-55 MB.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithYoungGenerationBudget(this IResourceBuilder<ProjectResource> project) =>
        project.WithRuntimeDefault("DOTNET_GCgen0size", "0x4000000");

    /// <summary>
    /// Hot precompiled (framework) methods are counted for recompilation from their first calls
    /// (<c>DOTNET_TC_CallCountingDelayMs</c> 0) rather than only once no method has been compiled for 100 ms, unless the
    /// app host's own environment sets it. A service that starts to take writes keeps compiling new methods for seconds,
    /// which kept postponing the counting: its hot framework code ran unoptimized meanwhile. Measured on 2 cores over
    /// fresh ×1 loads, alternating four pairs: the services' processor time 4 % lower against PostgreSQL's and
    /// RabbitMQ's in the same runs (1.44-1.46 against 1.49-1.57 times theirs), loads of 19.0-22.6 s against 20.5-23.2 s.
    /// Nothing changes once the services are warm: the same methods end up optimized either way.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithEarlyTierPromotion(this IResourceBuilder<ProjectResource> project) =>
        project.WithRuntimeDefault("DOTNET_TC_CallCountingDelayMs", "0");

    /// <summary>A runtime setting in the service's environment, unless the app host's own environment sets it.</summary>
    private static IResourceBuilder<ProjectResource> WithRuntimeDefault(this IResourceBuilder<ProjectResource> project, string variable, string value) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } ? project : project.WithEnvironment(variable, value);

    /// <summary>
    /// Plain HTTP on loopback, no HTTPS certificate: Aspire configures the development certificate for every project
    /// by default, and on a machine that trusts none (a fresh Debian, CI) the dashboard then opens with "No trusted
    /// development certificate". Nothing here speaks TLS, so no project asks for a certificate.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPlainHttp(this IResourceBuilder<ProjectResource> project) =>
#pragma warning disable ASPIRECERTIFICATES001 // Experimental in Aspire 13.6; the supported way to say a resource needs no certificate.
        project.WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001

    /// <summary>The token service's address (its discovery document and JWKS are under it), once it is healthy.</summary>
    public static IResourceBuilder<ProjectResource> WithTokenAuthority(
        this IResourceBuilder<ProjectResource> project, IResourceBuilder<ProjectResource> identity, string authority) =>
        project.WithEnvironment("Identity__Authority", authority).WaitFor(identity);

    /// <summary>The caller's own client id and secret, from the clients file (an operator who removed it gets none).</summary>
    public static IResourceBuilder<ProjectResource> WithClientCredentials(
        this IResourceBuilder<ProjectResource> project, string clientId, IReadOnlyDictionary<string, string> secrets) =>
        secrets.TryGetValue(clientId, out var secret)
            ? project.WithEnvironment("Identity__ClientId", clientId).WithEnvironment("Identity__ClientSecret", secret)
            : project;
}
