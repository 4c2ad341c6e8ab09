using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Platform.AppHost.Servers;

/// <summary>
/// Adds PostgreSQL, Redis and RabbitMQ. When <c>ConnectionStrings:{name}</c> is configured the existing server is
/// used; otherwise the server runs as a local process (scripts/*.sh) with its data under the data directory.
/// Either way a health check that speaks the server's protocol gates everything that waits for it.
/// </summary>
public static class LocalServerExtensions
{
    public static IResourceBuilder<IResourceWithConnectionString> AddPostgresServer(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddServer(name, "postgres.sh", endpoint => ReferenceExpression.Create(
                $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};Username=postgres"),
            resource => new PostgresHealthCheck(resource));

    public static IResourceBuilder<IResourceWithConnectionString> AddRedisServer(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddServer(name, "redis.sh", endpoint => ReferenceExpression.Create(
                $"{endpoint.Property(EndpointProperty.Host)}:{endpoint.Property(EndpointProperty.Port)}"),
            resource => new RedisHealthCheck(resource));

    public static IResourceBuilder<IResourceWithConnectionString> AddRabbitMqServer(this IDistributedApplicationBuilder builder, string name)
    {
        // Erlang distribution and its port mapper get fixed ports of their own (never the defaults, so a system
        // RabbitMQ can run beside this one); the AMQP port is allocated and proxied like the others.
        var distPort = builder.Configuration.GetValue("Platform:RabbitMqDistPort", 25772);
        var epmdPort = builder.Configuration.GetValue("Platform:RabbitMqEpmdPort", 4469);
        var epmd = epmdPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var server = builder.AddServer(name, "rabbitmq.sh", endpoint => ReferenceExpression.Create(
                $"amqp://guest:guest@{endpoint.Property(EndpointProperty.Host)}:{endpoint.Property(EndpointProperty.Port)}/"),
            resource => new RabbitMqHealthCheck(resource),
            distPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            epmd);

        // The dead-letter commands run rabbitmqctl against the node this app host started; a configured broker is someone else's.
        return server.Resource is LocalServerResource
            ? server.WithDeadLetterCommands(RootOf(builder), Path.Combine(DataDirectoryOf(builder), name), epmd)
            : server;
    }

    /// <summary>The repository's root: scripts/ and the default .data/ are under it.</summary>
    public static string RootOf(IDistributedApplicationBuilder builder) => Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));

    /// <summary>Where the local servers and the token service keep their data: Platform:DataDirectory, else .data/.</summary>
    public static string DataDirectoryOf(IDistributedApplicationBuilder builder) =>
        builder.Configuration["Platform:DataDirectory"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, RootOf(builder))
            : Path.Combine(RootOf(builder), ".data");

    /// <summary>A database on a PostgreSQL server, as a connection string for <c>WithEnvironment</c>.</summary>
    public static ReferenceExpression Database(this IResourceBuilder<IResourceWithConnectionString> server, string database) =>
        ReferenceExpression.Create($"{server.Resource.ConnectionStringExpression};Database={database}");

    private static IResourceBuilder<IResourceWithConnectionString> AddServer(
        this IDistributedApplicationBuilder builder,
        string name,
        string script,
        Func<EndpointReference, ReferenceExpression> connectionString,
        Func<IResourceWithConnectionString, IHealthCheck> healthCheck,
        params string[] extraArgs)
    {
        var healthCheckKey = $"{name}-ping";
        IResourceBuilder<IResourceWithConnectionString> server;
        if (!string.IsNullOrEmpty(builder.Configuration.GetConnectionString(name)))
        {
            server = builder.AddConnectionString(name);
        }
        else
        {
            var root = RootOf(builder);
            var dataDirectory = DataDirectoryOf(builder);
            var resource = new LocalServerResource(name, "bash", root, connectionString);
            var port = builder.Configuration.GetValue<int?>($"Platform:Ports:{name}") ?? FreePort.Next();
            server = builder.AddResource(resource)
                // Not proxied: the services talk to the server directly (DCP's proxy would carry every byte of every query).
                .WithEndpoint(name: LocalServerResource.EndpointName, scheme: "tcp", port: port, targetPort: port, isProxied: false)
                .WithArgs(context =>
                {
                    context.Args.Add(Path.Combine(root, "scripts", script));
                    context.Args.Add(Path.Combine(dataDirectory, name));
                    context.Args.Add(resource.Endpoint.Property(EndpointProperty.TargetPort));
                    foreach (var arg in extraArgs)
                    {
                        context.Args.Add(arg);
                    }
                })
                .ExcludeFromManifest();
        }

        IResourceWithConnectionString target = server.Resource;
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthCheckKey, _ => healthCheck(target), HealthStatus.Unhealthy, tags: null));
        return server.WithHealthCheck(healthCheckKey);
    }
}
