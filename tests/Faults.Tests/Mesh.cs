extern alias catalog;
extern alias metrics;
extern alias trading;

using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Npgsql;
using Platform.Catalog.V1;
using Platform.Faults.Tests.Servers;
using Platform.Metrics.V1;
using Platform.Testing;
using Platform.Trading.V1;
using CatalogProgram = catalog::Program;
using MetricsProgram = metrics::Program;
using TradingProgram = trading::Program;

namespace Platform.Faults.Tests;

/// <summary>
/// Catalog, trading and metrics in this process, on new databases of the shared PostgreSQL, a virtual host of the
/// faults' own broker and a logical database of the faults' own Redis, so each test's figures are its own exactly.
/// Trading's catalog client is delivered to the in-process catalog through <see cref="CatalogLink"/>, which can take
/// the catalog away and bring a new one back without touching trading.
/// </summary>
public sealed class Mesh : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _hosts = [];
    private readonly List<GrpcChannel> _channels = [];
    private readonly Dictionary<string, string> _catalogSettings;
    private WebApplicationFactory<CatalogProgram> _catalog = null!;
    private WebApplicationFactory<TradingProgram> _trading = null!;
    private WebApplicationFactory<MetricsProgram>? _metrics;

    private Mesh(Dictionary<string, string> catalogSettings) => _catalogSettings = catalogSettings;

    public CatalogService.CatalogServiceClient Catalog { get; private set; } = null!;

    public TradingService.TradingServiceClient Trading { get; private set; } = null!;

    public MetricsService.MetricsServiceClient Metrics { get; private set; } = null!;

    public string CatalogDatabase { get; private set; } = null!;

    public string TradingDatabase { get; private set; } = null!;

    public string MetricsDatabase { get; private set; } = null!;

    public string VirtualHost { get; private set; } = null!;

    /// <summary>The logical Redis database of this mesh's metrics.</summary>
    public int RedisDatabase { get; private set; }

    public CatalogLink CatalogLink { get; } = new();

    public IServiceProvider MetricsServices { get; private set; } = null!;

    /// <summary>The running catalog host's services (a restart replaces them).</summary>
    public IServiceProvider CatalogServices => _catalog.Services;

    /// <summary>
    /// Starts the three services; <paramref name="postgres"/> is a server of the test's own, else the shared one.
    /// Without <paramref name="inProcessMetrics"/> the test runs metrics itself (<see cref="MetricsSettings"/>) and
    /// points <see cref="UseMetricsAt"/> at it.
    /// </summary>
    internal static async Task<Mesh> StartAsync(FaultServers servers, string name, string? postgres = null, bool inProcessMetrics = true)
    {
        var virtualHost = $"{name}-{Guid.NewGuid():N}"[..Math.Min(name.Length + 9, 60)];
        await servers.Broker.AddVirtualHostAsync(virtualHost);
        var broker = servers.Broker.Uri(virtualHost);
        var redisDatabase = servers.NextRedisDatabase();
        var (catalogDb, tradingDb, metricsDb) = (
            await CreateDatabaseAsync(postgres, "faults_catalog"),
            await CreateDatabaseAsync(postgres, "faults_trading"),
            await CreateDatabaseAsync(postgres, "faults_metrics"));

        var mesh = new Mesh(new Dictionary<string, string>
        {
            ["ConnectionStrings:catalogdb"] = catalogDb,
            ["ConnectionStrings:rabbitmq"] = broker,
            // Certification without the three days' notice, so a burst certifies at once.
            ["Catalog:Certification:NoticePeriod"] = "00:00:00",
        })
        {
            CatalogDatabase = catalogDb,
            TradingDatabase = tradingDb,
            MetricsDatabase = metricsDb,
            VirtualHost = virtualHost,
            RedisDatabase = redisDatabase,
        };
        try
        {
            mesh.StartCatalog();
            var tradingHost = Host<TradingProgram>(new Dictionary<string, string>
            {
                ["ConnectionStrings:tradingdb"] = tradingDb,
                ["ConnectionStrings:rabbitmq"] = broker,
                // Service discovery resolves http://_grpc.catalog to this; the link below delivers it in-process.
                ["services:catalog:grpc:0"] = "http://localhost",
            }, services => services.ConfigureAll<HttpClientFactoryOptions>(options =>
                // Trading calls catalog as an administrator would; the link underneath is the fault.
                options.HttpMessageHandlerBuilderActions.Add(handler => handler.PrimaryHandler = TestTokens.WithToken(mesh.CatalogLink, TestTokens.Admin))));
            mesh._hosts.Add(tradingHost);
            mesh._trading = tradingHost;
            mesh.Trading = new TradingService.TradingServiceClient(mesh.Channel(tradingHost.Server));

            mesh.MetricsSettings = (metricsDb, broker, servers.Redis.ConnectionString(redisDatabase));
            if (inProcessMetrics)
            {
                var metricsHost = Host<MetricsProgram>(new Dictionary<string, string>
                {
                    ["ConnectionStrings:metricsdb"] = metricsDb,
                    ["ConnectionStrings:rabbitmq"] = broker,
                    ["ConnectionStrings:redis"] = mesh.MetricsSettings.Redis,
                });
                mesh._hosts.Add(metricsHost);
                mesh._metrics = metricsHost;
                mesh.MetricsServices = metricsHost.Services;
                mesh.Metrics = new MetricsService.MetricsServiceClient(mesh.Channel(metricsHost.Server));
                await mesh.Metrics.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest());
            }

            // First calls start every host (migrations, bus, relay) before the test begins.
            await mesh.Trading.ListExchangesAsync(new ListExchangesRequest());
            await mesh.Catalog.GetCatalogStatsAsync(new GetCatalogStatsRequest());
        }
        catch
        {
            await mesh.DisposeAsync();
            throw;
        }

        return mesh;
    }

    /// <summary>Metrics' database, broker and Redis, for a replica the test runs itself.</summary>
    public (string Database, string Broker, string Redis) MetricsSettings { get; private set; }

    /// <summary>Reads metrics from a replica at <paramref name="address"/> (one the test runs as a process).</summary>
    /// <summary>Reads from a metrics replica the test runs itself, anonymously (its figures are public).</summary>
    public void UseMetricsAt(Uri address) => Metrics = new MetricsService.MetricsServiceClient(Channel(address, token: null));

    /// <summary>The /health answer of each in-process service (catalog, trading, metrics).</summary>
    public async Task<HttpStatusCode[]> HealthAsync()
    {
        var answers = new List<HttpStatusCode>();
        foreach (var server in new[] { _catalog.Server, _trading.Server, _metrics?.Server }.OfType<TestServer>())
        {
            using var client = server.CreateClient();
            using var response = await client.GetAsync("/health");
            answers.Add(response.StatusCode);
        }

        return answers.ToArray();
    }

    private static async Task<string> CreateDatabaseAsync(string? server, string prefix)
    {
        if (server is null)
        {
            return await TestServers.CreateDatabaseAsync(prefix);
        }

        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"create database \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    /// <summary>Takes the catalog away: its host stops, and trading's calls to it find nothing listening.</summary>
    public async Task StopCatalogAsync()
    {
        CatalogLink.Target = null;
        _hosts.Remove(_catalog);
        await _catalog.DisposeAsync();
    }

    /// <summary>A new catalog host on the same database and broker; trading reaches it without a restart.</summary>
    public async Task RestartCatalogAsync()
    {
        StartCatalog();
        await Catalog.GetCatalogStatsAsync(new GetCatalogStatsRequest());
    }

    private void StartCatalog()
    {
        _catalog = Host<CatalogProgram>(_catalogSettings);
        _hosts.Add(_catalog);
        CatalogLink.Target = _catalog.Server.CreateHandler();
        Catalog = new CatalogService.CatalogServiceClient(Channel(_catalog.Server));
    }

    /// <summary>
    /// The one place the tests' clients are built: every call gets a deadline unless it sets its own (a fault must
    /// never hang a test), and an administrator's token (the in-process services trust the test key).
    /// </summary>
    private CallInvoker Channel(TestServer server) => Channel(server.BaseAddress, TestTokens.Admin, server.CreateHandler());

    private CallInvoker Channel(Uri address, string? token, HttpMessageHandler? handler = null)
    {
        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = TestTokens.WithToken(handler ?? new SocketsHttpHandler(), token),
            MaxReceiveMessageSize = 64 * 1024 * 1024,
        });
        _channels.Add(channel);
        return channel.Intercept(new DefaultDeadline(TimeSpan.FromSeconds(30)));
    }

    private static WebApplicationFactory<T> Host<T>(IReadOnlyDictionary<string, string> settings, Action<IServiceCollection>? services = null)
        where T : class
    {
        var factory = new WebApplicationFactory<T>().WithWebHostBuilder(host =>
        {
            // The faults make every service log each failed reconnect and request with its stack: far too much for CI's
            // output. FAULTS_VERBOSE=1 shows them.
            var level = Environment.GetEnvironmentVariable("FAULTS_VERBOSE") == "1" ? "Warning" : "Critical";
            foreach (var category in new[] { "Default", "Microsoft.AspNetCore", "MassTransit", "Npgsql", "System.Net.Http.HttpClient" })
            {
                host.UseSetting($"Logging:LogLevel:{category}", level);
            }
            foreach (var (key, value) in settings)
            {
                host.UseSetting(key, value);
            }

            host.ConfigureTestServices(configure =>
            {
                TestTokens.Trust(configure);
                services?.Invoke(configure);
            });
        });
        _ = factory.Server; // starts it
        return factory;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        foreach (var host in Enumerable.Reverse(_hosts))
        {
            await host.DisposeAsync();
        }
    }
}

/// <summary>
/// Trading's connection to the catalog: the in-process catalog's handler; while it is down, a refused connection;
/// while it is <see cref="Hung"/>, a connection on which no answer ever comes.
/// </summary>
public sealed class CatalogLink : HttpMessageHandler
{
    private volatile HttpMessageInvoker? _target;

    public volatile bool Hung;

    public HttpMessageHandler? Target
    {
        set => _target = value is null ? null : new HttpMessageInvoker(value, disposeHandler: true);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Hung)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return _target is { } target
            ? await target.SendAsync(request, cancellationToken)
            : throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (catalog is down)",
                new SocketException((int)SocketError.ConnectionRefused));
    }

    // HttpClientFactory disposes primary handlers when it rotates them; this one lives as long as the mesh.
    protected override void Dispose(bool disposing)
    {
    }
}

/// <summary>Gives every call a deadline unless the caller set one.</summary>
internal sealed class DefaultDeadline(TimeSpan deadline) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, context.Options.Deadline is null
            ? new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithDeadline(DateTime.UtcNow + deadline))
            : context);
}
