extern alias catalog;
using Dapper;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Npgsql;
using Platform.Catalog.V1;
using Platform.Testing;
using CatalogProgram = catalog::Program;

namespace Platform.Catalog.FunctionalTests;

/// <summary>Two catalog replicas on one database: each one's search index follows the other's writes.</summary>
[Collection(CatalogCollection.Name)]
public sealed class SearchReplicaTests
{
    private sealed class Replica : IAsyncDisposable
    {
        private readonly WebApplicationFactory<CatalogProgram> _factory;
        private readonly GrpcChannel _channel;

        public Replica(string connectionString)
        {
            _factory = new WebApplicationFactory<CatalogProgram>().WithWebHostBuilder(host => host
                .UseSetting("ConnectionStrings:catalogdb", connectionString)
                .UseSetting("ConnectionStrings:rabbitmq", TestServers.RabbitMq("catalog"))
                .UseSetting("Catalog:Search:PollInterval", "00:00:00.100")
                .ConfigureTestServices(TestTokens.Trust));
            _channel = GrpcChannel.ForAddress(_factory.Server.BaseAddress, new GrpcChannelOptions
            {
                HttpHandler = TestTokens.WithToken(_factory.Server.CreateHandler(), TestTokens.Admin),
            });
            Client = new CatalogService.CatalogServiceClient(_channel);
        }

        public CatalogService.CatalogServiceClient Client { get; }

        public async Task<string[]> SearchAsync(string query) =>
            (await Client.SearchDatasetsAsync(new SearchDatasetsRequest { Query = query })).Datasets.Select(d => d.Id).ToArray();

        public async ValueTask DisposeAsync()
        {
            _channel.Dispose();
            await _factory.DisposeAsync();
        }
    }

    private static string Marker() => "m" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task SearchOnOneReplicaFindsWritesThroughTheOtherIncludingOneThatCommitsLate()
    {
        var connectionString = await TestServers.CreateDatabaseAsync("catalog_replicas");
        await using var writer = new Replica(connectionString);
        await using var reader = new Replica(connectionString);

        var marker = Marker();
        var registered = await writer.Client.RegisterDatasetAsync(Datasets.ChestCt(marker));
        await Eventually.Returns(() => reader.SearchAsync(marker), ids => ids.SequenceEqual([registered.Id]), because: "the reader indexes the writer's dataset");

        // Another writer's transaction stamps a row and commits last: after the former 10 s window of changed_at, and
        // after a write with a higher transaction id that the reader has indexed meanwhile.
        var lateMarker = Marker();
        await using var late = new NpgsqlConnection(connectionString);
        await late.OpenAsync();
        await using var transaction = await late.BeginTransactionAsync();
        await late.ExecuteAsync("update datasets set search_text = search_text || ' ' || @lateMarker, version = version + 1 where id = @id",
            new { lateMarker, id = Guid.Parse(registered.Id) }, transaction);
        await Task.Delay(TimeSpan.FromSeconds(11));

        var laterMarker = Marker();
        var later = await writer.Client.RegisterDatasetAsync(Datasets.Finance(laterMarker));
        await Eventually.Returns(() => reader.SearchAsync(laterMarker), ids => ids.SequenceEqual([later.Id]), because: "the reader indexes the later write");
        Assert.Empty(await reader.SearchAsync(lateMarker));
        await transaction.CommitAsync();

        await Eventually.Returns(() => reader.SearchAsync(lateMarker), ids => ids.SequenceEqual([registered.Id]), because: "the reader indexes the late commit");
        await Eventually.Returns(() => writer.SearchAsync(lateMarker), ids => ids.SequenceEqual([registered.Id]), because: "so does the first replica");
    }
}
