using Dapper;
using Grpc.Core;
using Npgsql;
using Platform.Catalog.V1;
using Platform.Testing;
using Platform.Trading.V1;

namespace Platform.Trading.FunctionalTests;

[Collection(TradingCollection.Name)]
public sealed class BatchListingTests(TradingFixture fixture)
{
    private static CreateListingRequest HighQuality(Dataset dataset, string exchange) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        ExchangeCode = exchange,
        ProductKind = ProductKind.HighQualityDataset,
        DatasetId = dataset.Id,
        Pricing = new PricingPlan { Model = PricingModel.OneOff, PriceFen = 5_000_00 },
    };

    private static CreateListingRequest Other(string exchange, long volumeBytes = 1_000) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        ExchangeCode = exchange,
        ProductKind = ProductKind.Other,
        Name = "气象数据API",
        ListedVolumeBytes = volumeBytes,
    };

    /// <summary>The listings the write path recorded under the requests' ids (their audit events name them).</summary>
    private Task<long> ListingsOfRequestsAsync(IEnumerable<CreateListingRequest> requests) =>
        fixture.CountAsync(
            """
            select count(distinct l.id) from audit_events a join listings l on l.id::text = any(a.resource_ids)
            where a.request_id = any(@ids) and a.outcome = 'OK'
            """,
            new { ids = requests.Select(r => r.RequestId).ToArray() });

    [Fact]
    public async Task BatchCreatesEveryListingInRequestOrderWithOneEventEachAndOneCatalogCall()
    {
        var exchange = await fixture.NewExchangeAsync();
        var certified = Enumerable.Range(0, 3).Select(i => fixture.Catalog.Add(CertificationStatus.Certified, volumeBytes: 1_000 + i, name: $"数据集{i}")).ToArray();
        var requests = new[] { HighQuality(certified[0], exchange.Code), Other(exchange.Code, 77), HighQuality(certified[1], exchange.Code), HighQuality(certified[2], exchange.Code) };
        var batchCalls = fixture.Catalog.BatchCalls;
        var calls = fixture.Catalog.Calls;

        var response = await fixture.Client.BatchCreateListingsAsync(new BatchCreateListingsRequest { Requests = { requests } });

        Assert.Equal(4, response.Listings.Count);
        Assert.Equal([certified[0].Id, "", certified[1].Id, certified[2].Id], response.Listings.Select(l => l.DatasetId));
        Assert.Equal([1_000L, 77, 1_001, 1_002], response.Listings.Select(l => l.ListedVolumeBytes));
        Assert.Equal("数据集1", response.Listings[2].Name);
        Assert.Equal(ProductKind.Other, response.Listings[1].ProductKind);
        Assert.Equal(batchCalls + 1, fixture.Catalog.BatchCalls);
        Assert.Equal(calls + 1, fixture.Catalog.Calls);
        foreach (var listing in response.Listings)
        {
            Assert.Equal(listing, await fixture.Client.GetListingAsync(new GetListingRequest { Id = listing.Id }));
            var payload = Assert.Single(await fixture.OutboxPayloadsAsync("ListingCreated", "listingId", listing.Id));
            Assert.Equal(listing.ListedVolumeBytes, payload.GetProperty("listedVolumeBytes").GetInt64());
            Assert.Equal(exchange.Code, payload.GetProperty("exchangeCode").GetString());
        }

        // One listing time for the batch and ids ascending in request order: a page of the exchange lists them as sent.
        var page = await fixture.Client.ListListingsAsync(new ListListingsRequest { ExchangeCode = exchange.Code });
        Assert.Equal(response.Listings.Select(l => l.Id), page.Listings.Select(l => l.Id));
    }

    [Fact]
    public async Task BatchOfMoreThanAHundredDatasetsAsksCatalogInChunksOfAHundred()
    {
        var exchange = await fixture.NewExchangeAsync();
        var requests = Enumerable.Range(0, 250).Select(_ => HighQuality(fixture.Catalog.Add(CertificationStatus.Certified), exchange.Code)).ToArray();
        var batchCalls = fixture.Catalog.BatchCalls;

        var response = await fixture.Client.BatchCreateListingsAsync(new BatchCreateListingsRequest { Requests = { requests } });

        Assert.Equal(requests.Select(r => r.DatasetId), response.Listings.Select(l => l.DatasetId));
        Assert.Equal(batchCalls + 3, fixture.Catalog.BatchCalls);
        Assert.Equal(250, await ListingsOfRequestsAsync(requests));
    }

    [Fact]
    public async Task OneInvalidItemRefusesTheWholeBatchNamingTheItem()
    {
        var requests = new[] { Other("BJ"), Other("SH", volumeBytes: 0), Other("SZ") };

        var badRequest = await GrpcAssert.InvalidField("requests[1].listed_volume_bytes", async () =>
            await fixture.Client.BatchCreateListingsAsync(new BatchCreateListingsRequest { Requests = { requests } }));

        Assert.Single(badRequest.FieldViolations);
        Assert.Equal(0, await ListingsOfRequestsAsync(requests));
    }

    [Theory]
    [InlineData(CertificationStatus.Draft)]
    [InlineData(CertificationStatus.Retired)]
    public async Task UncertifiedDatasetInABatchIsFailedPreconditionNamingItsItemAndWritesNothing(CertificationStatus status)
    {
        var requests = new[]
        {
            HighQuality(fixture.Catalog.Add(CertificationStatus.Certified), "BJ"),
            Other("SH"),
            HighQuality(fixture.Catalog.Add(status), "SZ"),
        };
        var outboxBefore = await fixture.CountAsync("select count(*) from outbox_messages");

        var ex = await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await fixture.Client.BatchCreateListingsAsync(new BatchCreateListingsRequest { Requests = { requests } }));

        Assert.StartsWith("requests[2]:", ex.Status.Detail);
        Assert.Equal(0, await ListingsOfRequestsAsync(requests));
        Assert.Equal(outboxBefore, await fixture.CountAsync("select count(*) from outbox_messages"));
    }

    [Fact]
    public async Task DatasetWhoseRetirementWasConsumedRefusesTheBatchUnderItsLock()
    {
        // Catalog still says CERTIFIED; trading has recorded the retirement (as its consumer does).
        var retired = fixture.Catalog.Add(CertificationStatus.Certified);
        await using (var connection = new NpgsqlConnection(fixture.ConnectionString))
        {
            await connection.ExecuteAsync("insert into retired_datasets (dataset_id, retired_at) values (@id, now())", new { id = Guid.Parse(retired.Id) });
        }

        var requests = new[] { HighQuality(fixture.Catalog.Add(CertificationStatus.Certified), "BJ"), HighQuality(retired, "GY") };

        var ex = await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await fixture.Client.BatchCreateListingsAsync(new BatchCreateListingsRequest { Requests = { requests } }));

        Assert.StartsWith("requests[1]:", ex.Status.Detail);
        Assert.Equal(0, await ListingsOfRequestsAsync(requests));
    }

    [Fact]
    public async Task UnknownDatasetOrExchangeInABatchIsNotFoundNamingItsItem()
    {
        var unknownDataset = new[] { HighQuality(fixture.Catalog.Add(CertificationStatus.Certified), "BJ"), HighQuality(new Dataset { Id = Guid.NewGuid().ToString() }, "SH") };
        var unknownExchange = new[] { Other("BJ"), Other("NOSUCH") };

        var datasetError = await GrpcAssert.FailsWith(StatusCode.NotFound, async () =>
            await fixture.Client.BatchCreateListingsAsync(new BatchCreateListingsRequest { Requests = { unknownDataset } }));
        var exchangeError = await GrpcAssert.FailsWith(StatusCode.NotFound, async () =>
            await fixture.Client.BatchCreateListingsAsync(new BatchCreateListingsRequest { Requests = { unknownExchange } }));

        Assert.StartsWith("requests[1]:", datasetError.Status.Detail);
        Assert.Contains(unknownDataset[1].DatasetId, datasetError.Status.Detail);
        Assert.StartsWith("requests[1]:", exchangeError.Status.Detail);
        Assert.Equal(0, await ListingsOfRequestsAsync(unknownDataset.Concat(unknownExchange)));
    }

    [Fact]
    public async Task DatasetAlreadyListedOnTheExchangeIsAlreadyExistsNamingItsItem()
    {
        var dataset = fixture.Catalog.Add(CertificationStatus.Certified);
        await fixture.Client.CreateListingAsync(HighQuality(dataset, "TJ"));
        var requests = new[] { Other("TJ"), HighQuality(dataset, "TJ") };

        var ex = await GrpcAssert.FailsWith(StatusCode.AlreadyExists, async () =>
            await fixture.Client.BatchCreateListingsAsync(new BatchCreateListingsRequest { Requests = { requests } }));

        Assert.StartsWith("requests[1]:", ex.Status.Detail);
        Assert.Equal(0, await ListingsOfRequestsAsync(requests));
    }

    [Fact]
    public async Task RetriedBatchReturnsTheSameListingsAndStoresNothingTwice()
    {
        var exchange = await fixture.NewExchangeAsync();
        var request = new BatchCreateListingsRequest
        {
            Requests = { HighQuality(fixture.Catalog.Add(CertificationStatus.Certified), exchange.Code), Other(exchange.Code) },
        };
        var first = await fixture.Client.BatchCreateListingsAsync(request);
        var calls = fixture.Catalog.Calls;

        var second = await fixture.Client.BatchCreateListingsAsync(request);

        Assert.Equal(first, second);
        Assert.Equal(calls, fixture.Catalog.Calls);
        Assert.Equal(2, await ListingsOfRequestsAsync(request.Requests));
        foreach (var listing in first.Listings)
        {
            Assert.Single(await fixture.OutboxPayloadsAsync("ListingCreated", "listingId", listing.Id));
        }
    }

    [Fact]
    public async Task BatchOverlappingEarlierSingleCallsReturnsTheirListingsAndCreatesTheRest()
    {
        var exchange = await fixture.NewExchangeAsync();
        var requests = Enumerable.Range(0, 4).Select(_ => HighQuality(fixture.Catalog.Add(CertificationStatus.Certified), exchange.Code)).ToArray();
        var single0 = await fixture.Client.CreateListingAsync(requests[0]);
        var single2 = await fixture.Client.CreateListingAsync(requests[2]);

        var batch = await fixture.Client.BatchCreateListingsAsync(new BatchCreateListingsRequest { Requests = { requests } });

        Assert.Equal(single0, batch.Listings[0]);
        Assert.Equal(single2, batch.Listings[2]);
        Assert.Equal(requests.Select(r => r.DatasetId), batch.Listings.Select(l => l.DatasetId));
        Assert.Equal(4, await ListingsOfRequestsAsync(requests));
        foreach (var listing in batch.Listings)
        {
            Assert.Single(await fixture.OutboxPayloadsAsync("ListingCreated", "listingId", listing.Id));
        }

        // And the other way round: an item of the batch sent again singly returns the batch's listing.
        Assert.Equal(batch.Listings[3], await fixture.Client.CreateListingAsync(requests[3]));
    }

    [Fact]
    public async Task RequestIdReusedForADifferentListingIsAlreadyExistsInBatchAndSingleCalls()
    {
        var first = Other("BJ");
        await fixture.Client.CreateListingAsync(first);
        var reused = Other("SH");
        reused.RequestId = first.RequestId;
        var fresh = Other("SZ");

        var inBatch = await GrpcAssert.FailsWith(StatusCode.AlreadyExists, async () =>
            await fixture.Client.BatchCreateListingsAsync(new BatchCreateListingsRequest { Requests = { fresh, reused } }));
        var single = await GrpcAssert.FailsWith(StatusCode.AlreadyExists, async () => await fixture.Client.CreateListingAsync(reused));

        Assert.Matches(WritePromise.ReusedWording(first.RequestId), inBatch.Status.Detail);
        Assert.StartsWith("requests[1]: ", inBatch.Status.Detail);
        Assert.Matches(WritePromise.ReusedWording(first.RequestId), single.Status.Detail);
        Assert.Equal(0, await ListingsOfRequestsAsync([fresh]));
    }

    [Fact]
    public async Task BatchItemsNeedDistinctRequestIds()
    {
        var a = Other("BJ");
        var b = Other("SH");
        b.RequestId = a.RequestId;
        var c = Other("SZ");
        c.RequestId = "";

        var badRequest = await GrpcAssert.InvalidField("requests[1].request_id", async () =>
            await fixture.Client.BatchCreateListingsAsync(new BatchCreateListingsRequest { Requests = { a, b, c } }));

        Assert.Contains(badRequest.FieldViolations, v => v.Field == "requests[2].request_id");
        Assert.Equal(0, await ListingsOfRequestsAsync([a]));
    }

    [Fact]
    public async Task BatchListingADatasetTwiceOnOneExchangeIsInvalid()
    {
        var dataset = fixture.Catalog.Add(CertificationStatus.Certified);
        var requests = new[] { HighQuality(dataset, "BJ"), HighQuality(dataset, "SH"), HighQuality(dataset, "BJ") };

        await GrpcAssert.InvalidField("requests[2].dataset_id", async () =>
            await fixture.Client.BatchCreateListingsAsync(new BatchCreateListingsRequest { Requests = { requests } }));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(501)]
    public async Task BatchOfNoneOrMoreThanFiveHundredIsInvalid(int count)
    {
        var request = new BatchCreateListingsRequest { Requests = { Enumerable.Range(0, count).Select(_ => Other("BJ")) } };

        await GrpcAssert.InvalidField("requests", async () => await fixture.Client.BatchCreateListingsAsync(request));

        Assert.Equal(0, await ListingsOfRequestsAsync(request.Requests));
    }

    [Fact]
    public async Task BatchWhileCatalogIsDownIsUnavailableAndWritesNothing()
    {
        var requests = new[] { Other("BJ"), HighQuality(fixture.Catalog.Add(CertificationStatus.Certified), "SH"), HighQuality(fixture.Catalog.Add(CertificationStatus.Certified), "SZ") };
        fixture.Catalog.Mode = CatalogMode.Unavailable;
        try
        {
            await GrpcAssert.FailsWith(StatusCode.Unavailable, async () =>
                await fixture.Client.BatchCreateListingsAsync(new BatchCreateListingsRequest { Requests = { requests } }));
        }
        finally
        {
            fixture.Catalog.Mode = CatalogMode.Up;
        }

        Assert.Equal(0, await ListingsOfRequestsAsync(requests));
    }

    [Fact]
    public async Task ConcurrentOverlappingBatchesNeitherDeadlockNorStoreAnythingTwice()
    {
        var exchanges = new[] { "BJ", "SH", "SZ", "GY" };
        var datasets = Enumerable.Range(0, 40).Select(_ => fixture.Catalog.Add(CertificationStatus.Certified)).ToArray();
        var requests = datasets.Select((d, i) => HighQuality(d, exchanges[i % exchanges.Length])).ToArray();
        // Four batches over the same items in different orders: every item lands once, whichever batch wins it.
        var batches = Enumerable.Range(0, 4).Select(b => new BatchCreateListingsRequest
        {
            Requests = { b % 2 == 0 ? requests : requests.Reverse() },
        }).ToArray();

        var responses = await Task.WhenAll(batches.Select(b => fixture.Client.BatchCreateListingsAsync(b).ResponseAsync));

        Assert.Equal(40, await ListingsOfRequestsAsync(requests));
        var ids = responses[0].Listings.Select(l => l.Id).ToArray();
        Assert.Equal(ids, responses[2].Listings.Select(l => l.Id));
        Assert.Equal(ids.Reverse(), responses[1].Listings.Select(l => l.Id));
    }

    [Fact]
    public async Task OppositeOrderBatchesOfOtherProductsNamingTheSameDatasetsQueueInsteadOfDeadlocking()
    {
        // The insert runs in request-id order: batch "a" inserts datasets 0..n-1, batch "b" n-1..0. Without one lock
        // order they wait on each other's uncommitted rows of the one-active-listing index, and PostgreSQL aborts one.
        for (var round = 0; round < 5; round++)
        {
            var exchange = await fixture.NewExchangeAsync();
            var datasets = Enumerable.Range(0, 100).Select(_ => Guid.NewGuid().ToString()).ToArray();
            var run = Guid.NewGuid().ToString("N");
            CreateListingRequest Item(string batch, int k, string datasetId)
            {
                var item = Other(exchange.Code);
                item.RequestId = $"{run}-{batch}-{k:D3}";
                item.DatasetId = datasetId;
                return item;
            }

            var forward = datasets.Select((d, k) => Item("a", k, d)).ToArray();
            var backward = datasets.AsEnumerable().Reverse().Select((d, k) => Item("b", k, d)).ToArray();

            var outcomes = await Task.WhenAll(new[] { forward, backward }.Select(async requests =>
            {
                try
                {
                    await fixture.Client.BatchCreateListingsAsync(new BatchCreateListingsRequest { Requests = { requests } });
                    return StatusCode.OK;
                }
                catch (RpcException ex)
                {
                    return ex.StatusCode;
                }
            }));

            // One batch lists every dataset; the other, queued behind its locks, then finds them listed.
            Assert.Equal([StatusCode.OK, StatusCode.AlreadyExists], outcomes.Order().ToArray());
            Assert.Equal(100, await fixture.CountAsync(
                "select count(*) from listings where exchange_code = @code and status = 1", new { code = exchange.Code }));
        }
    }
}
