extern alias catalog;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Platform.Catalog.V1;
using Platform.Testing;
using CatalogProgram = catalog::Program;

namespace Platform.Catalog.FunctionalTests;

/// <summary>The per-client write limit and the message-size limit, on a catalog of its own with tight limits.</summary>
public sealed class CallLimitTests : IAsyncLifetime
{
    private WebApplicationFactory<CatalogProgram>? _factory;
    private GrpcChannel? _channel;
    private CatalogService.CatalogServiceClient _client = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await TestServers.CreateDatabaseAsync("catalog_limits");
        _factory = new WebApplicationFactory<CatalogProgram>().WithWebHostBuilder(host => host
            .UseSetting("ConnectionStrings:catalogdb", connectionString)
            .UseSetting("ConnectionStrings:rabbitmq", TestServers.RabbitMq("catalog"))
            // Two writes, then one more an hour later: the third write of the test cannot pass, however slow the machine.
            .UseSetting("Platform:RateLimits:WritesPerPeriod", "1")
            .UseSetting("Platform:RateLimits:Period", "01:00:00")
            .UseSetting("Platform:RateLimits:Burst", "2")
            .UseSetting("Platform:Grpc:MaxReceiveMessageBytes", "65536")
            .ConfigureTestServices(TestTokens.Trust));
        _channel = GrpcChannel.ForAddress(_factory.Server.BaseAddress, new GrpcChannelOptions
        {
            HttpHandler = TestTokens.WithToken(_factory.Server.CreateHandler(), TestTokens.Admin),
        });
        _client = new CatalogService.CatalogServiceClient(_channel);
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }

    [Fact]
    public async Task WritesAboveTheClientsLimitAreResourceExhaustedWithARetryHintAndReadsStillPass()
    {
        var first = await _client.RegisterDatasetAsync(Datasets.ChestCt());
        await _client.RegisterDatasetAsync(Datasets.Finance());

        var refused = await GrpcAssert.FailsWith(StatusCode.ResourceExhausted, async () => await _client.RegisterDatasetAsync(Datasets.ChestCt()));

        var retry = refused.GetRpcStatus()?.GetDetail<RetryInfo>();
        Assert.NotNull(retry);
        Assert.InRange(retry.RetryDelay.ToTimeSpan(), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(first.Id, (await _client.GetDatasetAsync(new GetDatasetRequest { Id = first.Id })).Id);
        }
    }

    [Fact]
    public async Task ARequestLargerThanTheMessageLimitIsResourceExhausted()
    {
        var request = Datasets.ChestCt();
        request.DescriptionEn = new string('x', 100_000);

        await GrpcAssert.FailsWith(StatusCode.ResourceExhausted, async () => await _client.RegisterDatasetAsync(request));
    }
}
