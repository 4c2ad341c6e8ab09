using System.Diagnostics;
using Dapper;
using Grpc.Core;
using Npgsql;
using Platform.Catalog.V1;
using Platform.Trading.V1;
using Xunit.Abstractions;

namespace Platform.Faults.Tests;

/// <summary>
/// Fault test 6: the catalog down (its host stopped: connections refused) or hung (no answer ever) while trading lists
/// datasets. Trading answers UNAVAILABLE or DEADLINE_EXCEEDED within 5 s and writes nothing of the failed call;
/// once the catalog is back, the same requests succeed, without a restart of trading.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class CatalogDownTests(FaultServers servers, ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact(Timeout = 120_000)]
    public async Task ListingFailsFastWithNothingWrittenWhileTheCatalogIsDownAndWorksWhenItReturns()
    {
        await using var mesh = await Mesh.StartAsync(servers, "catalog-down");
        var (exchange, datasets) = await PrepareAsync(mesh);
        var single = Listing(exchange, datasets[0]);
        var batch = new BatchCreateListingsRequest { Requests = { Listing(exchange, datasets[1]), Listing(exchange, datasets[2]), Other(exchange) } };

        await mesh.StopCatalogAsync();
        var refused = await FailsFastAsync("down", () => mesh.Trading.CreateListingAsync(single).ResponseAsync);
        var refusedBatch = await FailsFastAsync("down, batch", () => mesh.Trading.BatchCreateListingsAsync(batch).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, refused);
        Assert.Equal(StatusCode.Unavailable, refusedBatch);
        await NothingWrittenAsync(mesh, exchange);

        await mesh.RestartCatalogAsync();
        await ListedAgainAsync(mesh, exchange, single, batch);
    }

    [Fact(Timeout = 120_000)]
    public async Task ListingFailsWithinFiveSecondsWithNothingWrittenWhileTheCatalogIsHung()
    {
        await using var mesh = await Mesh.StartAsync(servers, "catalog-hung");
        var (exchange, datasets) = await PrepareAsync(mesh);
        var single = Listing(exchange, datasets[0]);
        var batch = new BatchCreateListingsRequest { Requests = { Listing(exchange, datasets[1]), Listing(exchange, datasets[2]), Other(exchange) } };

        mesh.CatalogLink.Hung = true;
        // The caller's own deadline is generous: trading must not spend it all waiting on the catalog.
        var deadline = TimeSpan.FromSeconds(30);
        await FailsFastAsync("hung", () => mesh.Trading.CreateListingAsync(single, deadline: DateTime.UtcNow + deadline).ResponseAsync);
        await FailsFastAsync("hung, batch", () => mesh.Trading.BatchCreateListingsAsync(batch, deadline: DateTime.UtcNow + deadline).ResponseAsync);
        await NothingWrittenAsync(mesh, exchange);

        mesh.CatalogLink.Hung = false;
        await ListedAgainAsync(mesh, exchange, single, batch);
    }

    private async Task<StatusCode> FailsFastAsync(string what, Func<Task> call)
    {
        var started = Stopwatch.GetTimestamp();
        var ex = await Assert.ThrowsAsync<RpcException>(call);
        var elapsed = Stopwatch.GetElapsedTime(started);
        output.WriteLine($"[catalog {what}] {ex.StatusCode} after {elapsed.TotalMilliseconds:0} ms: {ex.Status.Detail}");
        Assert.True(ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded, $"{ex.StatusCode}: {ex.Status.Detail}");
        Assert.True(elapsed <= Bound, $"answered after {elapsed.TotalMilliseconds:0} ms");
        return ex.StatusCode;
    }

    private static async Task NothingWrittenAsync(Mesh mesh, string exchange)
    {
        var listings = await mesh.Trading.ListListingsAsync(new ListListingsRequest { ExchangeCode = exchange });
        Assert.Empty(listings.Listings);
        await using var connection = new NpgsqlConnection(mesh.TradingDatabase);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from listings"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from outbox_messages where message_type like '%Listing%'"));
    }

    private async Task ListedAgainAsync(Mesh mesh, string exchange, CreateListingRequest single, BatchCreateListingsRequest batch)
    {
        var started = Stopwatch.GetTimestamp();
        var listing = await mesh.Trading.CreateListingAsync(single);
        var listings = await mesh.Trading.BatchCreateListingsAsync(batch);
        output.WriteLine($"[catalog back] the same requests listed {1 + listings.Listings.Count} in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms, trading not restarted");
        Assert.Equal(ListingStatus.Active, listing.Status);
        Assert.Equal(3, listings.Listings.Count);
        var all = await mesh.Trading.ListListingsAsync(new ListListingsRequest { ExchangeCode = exchange });
        Assert.Equal(4, all.Listings.Count);
        await using var connection = new NpgsqlConnection(mesh.TradingDatabase);
        Assert.Equal(4, await connection.ExecuteScalarAsync<long>("select count(*) from outbox_messages where message_type like '%ListingCreated'"));
    }

    private static async Task<(string Exchange, IReadOnlyList<string> Datasets)> PrepareAsync(Mesh mesh)
    {
        var exchange = await mesh.Trading.CreateExchangeAsync(new CreateExchangeRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Code = "F" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(),
            Name = "Catalog-down exchange",
            Province = "Hainan",
        });
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var dataset = await mesh.Catalog.RegisterDatasetAsync(new RegisterDatasetRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                Name = "目录故障测试数据集",
                Domain = Domain.Finance,
                Modality = Modality.Tabular,
                VolumeBytes = 1_000_000 + i,
                LanguageShares = { new LanguageShare { Code = "zh", BasisPoints = 10_000 } },
                Licence = Licence.Commercial,
                AccessLevel = AccessLevel.Open,
                Provider = new Provider { Organisation = "故障测试机构", Province = "hainan" },
            });
            await mesh.Catalog.SubmitForCertificationAsync(new SubmitForCertificationRequest { RequestId = Guid.NewGuid().ToString(), Id = dataset.Id });
            await mesh.Catalog.CertifyDatasetAsync(new CertifyDatasetRequest { RequestId = Guid.NewGuid().ToString(), Id = dataset.Id });
            ids.Add(dataset.Id);
        }

        return (exchange.Code, ids);
    }

    private static CreateListingRequest Listing(string exchange, string datasetId) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        ExchangeCode = exchange,
        ProductKind = ProductKind.HighQualityDataset,
        DatasetId = datasetId,
        Pricing = new PricingPlan { Model = PricingModel.OneOff, PriceFen = 100_00 },
    };

    private static CreateListingRequest Other(string exchange) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        ExchangeCode = exchange,
        ProductKind = ProductKind.Other,
        Name = "企业征信API",
        ListedVolumeBytes = 1_000,
        Pricing = new PricingPlan { Model = PricingModel.PerCall, PriceFen = 50 },
    };
}
