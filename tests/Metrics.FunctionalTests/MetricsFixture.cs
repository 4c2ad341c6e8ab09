extern alias metrics;
using Grpc.Net.Client;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using metrics::Platform.Metrics.Caching;
using Platform.Metrics.V1;
using Platform.Testing;
using MetricsProgram = metrics::Program;

namespace Platform.Metrics.FunctionalTests;

/// <summary>One metrics replica in-process on the test servers.</summary>
public sealed class MetricsHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<MetricsProgram> _factory;
    private readonly GrpcChannel _channel;

    internal MetricsHost(string connectionString, string redis, string? applicationName, IReadOnlyDictionary<string, string>? settings = null)
    {
        _factory = new WebApplicationFactory<MetricsProgram>().WithWebHostBuilder(host =>
        {
            host.UseSetting("ConnectionStrings:metricsdb", connectionString)
                .UseSetting("ConnectionStrings:redis", redis)
                .UseSetting("ConnectionStrings:rabbitmq", TestServers.RabbitMq("metrics"))
                .UseSetting("Outbox:PollInterval", "00:00:00.100");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                host.UseSetting(key, value);
            }

            if (applicationName is not null)
            {
                // Its own queue names: this replica receives its own copy of every event, like a separate service.
                host.UseSetting(WebHostDefaults.ApplicationKey, applicationName);
            }

            host.ConfigureTestServices(TestTokens.Trust);
        });
        _channel = Channel(TestTokens.Admin);
        Client = new MetricsService.MetricsServiceClient(_channel);
    }

    /// <summary>A client calling with <paramref name="token"/> (anonymously when null); the default <see cref="Client"/> is an administrator.</summary>
    public MetricsService.MetricsServiceClient ClientWith(string? token) => new(Channel(token));

    /// <summary>Raw HTTP/2 to the service (for bodies a gRPC client would never send), with <paramref name="token"/>.</summary>
    public HttpMessageInvoker RawHttp(string? token) => new(TestTokens.WithToken(_factory.Server.CreateHandler(), token));

    public Uri BaseAddress => _factory.Server.BaseAddress;

    /// <summary>A generic caller (any method, any message) with <paramref name="token"/>, for the adversarial corpus.</summary>
    public global::Grpc.Core.CallInvoker Invoker(string? token) => Channel(token).CreateCallInvoker();

    private GrpcChannel Channel(string? token) => GrpcChannel.ForAddress(
        _factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = TestTokens.WithToken(_factory.Server.CreateHandler(), token) });

    public MetricsService.MetricsServiceClient Client { get; }

    public IServiceProvider Services => _factory.Services;

    internal IndicatorCache Cache => Services.GetRequiredService<IndicatorCache>();

    /// <summary>Publishes an event as the catalog or trading outbox relay would, with an explicit message id.</summary>
    public async Task<Guid> PublishAsync<T>(T message, Guid? messageId = null)
        where T : class
    {
        var id = messageId ?? Guid.NewGuid();
        await Services.GetRequiredService<IBus>().Publish(message, context => context.MessageId = id);
        return id;
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _factory.DisposeAsync();
    }
}

/// <summary>The metrics service on a fresh database, the tests' Redis (database 1) and broker.</summary>
public sealed class MetricsFixture : IAsyncLifetime
{
    private readonly List<MetricsHost> _hosts = [];

    public MetricsHost Host { get; private set; } = null!;

    public string ConnectionString { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestServers.CreateDatabaseAsync("metrics_tests");
        Host = await StartReplicaAsync();
    }

    /// <summary>Another replica on the same database and Redis (it shares the event queues with the first).</summary>
    public async Task<MetricsHost> StartReplicaAsync()
    {
        var host = new MetricsHost(ConnectionString, TestServers.Redis(1), applicationName: null);
        _hosts.Add(host);
        await host.Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest());
        return host;
    }

    public async Task<T> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        return await Dapper.SqlMapper.QuerySingleAsync<T>(connection, sql, parameters);
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }
}

/// <summary>The metrics service with Redis pointing at a closed port: every answer must come from PostgreSQL, fast.</summary>
public sealed class RedisDownFixture : IAsyncLifetime
{
    public MetricsHost Host { get; private set; } = null!;

    public string ConnectionString { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestServers.CreateDatabaseAsync("metrics_noredis_tests");
        // The circuit stays open for the whole class, so a slow test machine cannot let it close between a read and
        // the assertion that Redis was skipped.
        Host = new MetricsHost(ConnectionString, "127.0.0.1:1,connectTimeout=200", applicationName: "metrics-redis-down",
            new Dictionary<string, string> { ["Metrics:Cache:CircuitBreak"] = "00:10:00" });
        await Host.Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest());
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class MetricsCollection : ICollectionFixture<MetricsFixture>, ICollectionFixture<RedisDownFixture>
{
    public const string Name = "metrics";
}
