extern alias trading;
using System.Text.Json;
using Dapper;
using Grpc.Net.Client;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Npgsql;
using Platform.Testing;
using Platform.Trading.V1;
using TradingProgram = trading::Program;

namespace Platform.Trading.FunctionalTests;

/// <summary>
/// The trading service in-process, on its own new database and the tests' broker, calling a catalog test double
/// hosted in a second in-process server.
/// </summary>
public sealed class TradingFixture : IAsyncLifetime
{
    private WebApplicationFactory<TradingProgram>? _factory;
    private GrpcChannel? _channel;

    public FakeCatalog Catalog { get; } = new();

    public TradingService.TradingServiceClient Client { get; private set; } = null!;

    public string ConnectionString { get; private set; } = null!;

    public IServiceProvider Services => _factory!.Services;

    public async Task InitializeAsync()
    {
        await Catalog.StartAsync();
        ConnectionString = await TestServers.CreateDatabaseAsync("trading_tests");
        _factory = new WebApplicationFactory<TradingProgram>().WithWebHostBuilder(host => host
            .UseSetting("ConnectionStrings:tradingdb", ConnectionString)
            .UseSetting("ConnectionStrings:rabbitmq", TestServers.RabbitMq("trading"))
            // Service discovery resolves http://_grpc.catalog to this; the handler below delivers it in-process.
            .UseSetting("services:catalog:grpc:0", "http://localhost")
            .UseSetting("Catalog:Deadline", "00:00:01")
            .ConfigureTestServices(services =>
            {
                TestTokens.Trust(services);
                // The catalog client is trading's only outgoing HTTP client.
                services.ConfigureAll<HttpClientFactoryOptions>(options =>
                    options.HttpMessageHandlerBuilderActions.Add(handler => handler.PrimaryHandler = Catalog.CreateHandler()));
            }));
        _channel = Channel(TestTokens.Admin);
        Client = new TradingService.TradingServiceClient(_channel);
    }

    /// <summary>A client calling with <paramref name="token"/> (anonymously when null); the default <see cref="Client"/> is an administrator.</summary>
    public TradingService.TradingServiceClient ClientWith(string? token) => new(Channel(token));

    /// <summary>Raw HTTP/2 to the service (for bodies a gRPC client would never send), with <paramref name="token"/>.</summary>
    public HttpMessageInvoker RawHttp(string? token) => new(TestTokens.WithToken(_factory!.Server.CreateHandler(), token));

    public Uri BaseAddress => _factory!.Server.BaseAddress;

    /// <summary>A generic caller (any method, any message) with <paramref name="token"/>, for the adversarial corpus.</summary>
    public global::Grpc.Core.CallInvoker Invoker(string? token) => Channel(token).CreateCallInvoker();

    private GrpcChannel Channel(string? token) => GrpcChannel.ForAddress(
        _factory!.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = TestTokens.WithToken(_factory.Server.CreateHandler(), token) });

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await Catalog.DisposeAsync();
    }

    public IBus Bus => Services.GetRequiredService<IBus>();

    /// <summary>A new exchange of the tests' own, so the statistics of one test are not mixed with another's.</summary>
    public async Task<Exchange> NewExchangeAsync(bool equityPilot = false) =>
        await Client.CreateExchangeAsync(new CreateExchangeRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Code = "T" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(),
            Name = "Test Data Exchange",
            Province = "Hainan",
            EquityPilot = equityPilot,
        });

    /// <summary>An OTHER listing (no catalog call) on <paramref name="exchangeCode"/>.</summary>
    public async Task<Listing> NewOtherListingAsync(string exchangeCode, long volumeBytes = 1_000, DateTimeOffset? listedAt = null) =>
        await Client.CreateListingAsync(new CreateListingRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            ExchangeCode = exchangeCode,
            ProductKind = ProductKind.Other,
            Name = "企业征信API",
            ListedVolumeBytes = volumeBytes,
            Pricing = new PricingPlan { Model = PricingModel.PerCall, PriceFen = 50 },
            ListedAt = listedAt is { } at ? Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(at) : null,
        });

    /// <summary>A HIGH_QUALITY_DATASET listing of a dataset the catalog double says is certified.</summary>
    public async Task<Listing> NewHighQualityListingAsync(string exchangeCode, long volumeBytes = 1_000_000, DateTimeOffset? listedAt = null)
    {
        var dataset = Catalog.Add(Platform.Catalog.V1.CertificationStatus.Certified, volumeBytes);
        return await Client.CreateListingAsync(new CreateListingRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            ExchangeCode = exchangeCode,
            ProductKind = ProductKind.HighQualityDataset,
            DatasetId = dataset.Id,
            Pricing = new PricingPlan { Model = PricingModel.OneOff, PriceFen = 100_000_00 },
            ListedAt = listedAt is { } at ? Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(at) : null,
        });
    }

    /// <summary>Outbox rows of <paramref name="eventType"/> whose payload field <paramref name="field"/> is <paramref name="value"/>.</summary>
    public async Task<IReadOnlyList<JsonElement>> OutboxPayloadsAsync(string eventType, string field, string value)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        var payloads = await connection.QueryAsync<string>(
            "select payload::text from outbox_messages where message_type = @type and payload ->> @field = @value order by created_at",
            new { type = $"Platform.Contracts.{eventType}", field, value });
        return payloads.Select(p => JsonDocument.Parse(p).RootElement).ToList();
    }

    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        return await connection.ExecuteScalarAsync<T>(sql, parameters) ?? throw new InvalidOperationException($"No value: {sql}");
    }

    public async Task<long> CountAsync(string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        return await connection.ExecuteScalarAsync<long>(sql, parameters);
    }
}

[CollectionDefinition(Name)]
public sealed class TradingCollection : ICollectionFixture<TradingFixture>
{
    public const string Name = "trading";
}
