extern alias catalog;
using Dapper;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Platform.Catalog.V1;
using Platform.Testing;
using CatalogProgram = catalog::Program;

namespace Platform.Catalog.FunctionalTests;

/// <summary>The catalog service in-process, on its own new database and the tests' broker, with a clock the tests move.</summary>
public sealed class CatalogFixture : IAsyncLifetime
{
    private WebApplicationFactory<CatalogProgram>? _factory;
    private GrpcChannel? _channel;

    public CatalogService.CatalogServiceClient Client { get; private set; } = null!;

    public string ConnectionString { get; private set; } = null!;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 6, 30, 2, 0, 0, TimeSpan.Zero));

    public IServiceProvider Services => _factory!.Services;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestServers.CreateDatabaseAsync("catalog_tests");
        _factory = new WebApplicationFactory<CatalogProgram>().WithWebHostBuilder(host => host
            .UseSetting("ConnectionStrings:catalogdb", ConnectionString)
            .UseSetting("ConnectionStrings:rabbitmq", TestServers.RabbitMq("catalog"))
            .ConfigureTestServices(services =>
            {
                services.AddSingleton<TimeProvider>(Time);
                TestTokens.Trust(services);
            }));
        _channel = Channel(TestTokens.Admin);
        Client = new CatalogService.CatalogServiceClient(_channel);
    }

    /// <summary>A client calling with <paramref name="token"/> (anonymously when null); the default <see cref="Client"/> is an administrator.</summary>
    public CatalogService.CatalogServiceClient ClientWith(string? token) => new(Channel(token));

    /// <summary>Raw HTTP/2 to the service (for bodies a gRPC client would never send), with <paramref name="token"/>.</summary>
    public HttpMessageInvoker RawHttp(string? token) => new(TestTokens.WithToken(_factory!.Server.CreateHandler(), token));

    public Uri BaseAddress => _factory!.Server.BaseAddress;

    /// <summary>A generic caller (any method, any message) with <paramref name="token"/>, for the adversarial corpus.</summary>
    public global::Grpc.Core.CallInvoker Invoker(string? token) => Channel(token).CreateCallInvoker();

    private GrpcChannel Channel(string? token) => GrpcChannel.ForAddress(
        _factory!.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = TestTokens.WithToken(_factory.Server.CreateHandler(), token) });

    /// <summary>
    /// The integration events in the outbox about a dataset, oldest first, as (type name, JSON payload); the payload in
    /// jsonb's rendering (<c>"key": value</c>, keys sorted), whatever the serializer's spacing.
    /// </summary>
    public async Task<IReadOnlyList<(string Type, string Payload)>> OutboxEventsAsync(string datasetId)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        return (await connection.QueryAsync<(string, string)>(
            "select message_type, payload::jsonb::text from outbox_messages where payload->>'datasetId' = @datasetId order by id",
            new { datasetId })).AsList();
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class CatalogCollection : ICollectionFixture<CatalogFixture>
{
    public const string Name = "catalog";
}
