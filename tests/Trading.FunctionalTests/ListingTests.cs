using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Platform.Catalog.V1;
using Platform.Testing;
using Platform.Trading.V1;

namespace Platform.Trading.FunctionalTests;

[Collection(TradingCollection.Name)]
public sealed class ListingTests(TradingFixture fixture)
{
    private CreateListingRequest HighQuality(Dataset dataset, string exchange = "BJ") => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        ExchangeCode = exchange,
        ProductKind = ProductKind.HighQualityDataset,
        DatasetId = dataset.Id,
        Pricing = new PricingPlan { Model = PricingModel.MonthlySubscription, PriceFen = 2_000_000 },
    };

    [Fact]
    public async Task ListingOfADraftDatasetIsRefused()
    {
        var dataset = fixture.Catalog.Add(CertificationStatus.Draft);

        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await fixture.Client.CreateListingAsync(HighQuality(dataset)));
        Assert.Equal(0, await fixture.CountAsync("select count(*) from listings where dataset_id = @id", new { id = Guid.Parse(dataset.Id) }));
    }

    [Fact]
    public async Task ListingOfACertifiedDatasetIsAcceptedWithTheCatalogsNameAndVolume()
    {
        var dataset = fixture.Catalog.Add(CertificationStatus.Certified, volumeBytes: 7_000_000_000, name: "胸部CT医学影像数据集");

        var listing = await fixture.Client.CreateListingAsync(HighQuality(dataset));

        Assert.Equal(ProductKind.HighQualityDataset, listing.ProductKind);
        Assert.Equal(dataset.Id, listing.DatasetId);
        Assert.Equal("胸部CT医学影像数据集", listing.Name);
        Assert.Equal(7_000_000_000, listing.ListedVolumeBytes);
        Assert.Equal(ListingStatus.Active, listing.Status);
        Assert.Equal(2_000_000, listing.Pricing.PriceFen);
        Assert.Equal(listing, await fixture.Client.GetListingAsync(new GetListingRequest { Id = listing.Id }));
    }

    [Fact]
    public async Task AListingSellsTheDatasetsCertifiedRevision()
    {
        var dataset = fixture.Catalog.Add(CertificationStatus.Certified, volumeBytes: 9_000_000_000, revision: 3);

        var stale = HighQuality(dataset);
        stale.DatasetRevision = 2;
        var error = await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await fixture.Client.CreateListingAsync(stale));
        Assert.Contains("revision 3", error.Status.Detail);
        var named = HighQuality(dataset);
        named.DatasetRevision = 3;
        var listing = await fixture.Client.CreateListingAsync(named);
        var other = HighQuality(dataset, "SH");

        Assert.Equal((3, 9_000_000_000L), (listing.DatasetRevision, listing.ListedVolumeBytes));
        Assert.Equal(3, (await fixture.Client.CreateListingAsync(other)).DatasetRevision);
        Assert.Equal(listing, await fixture.Client.GetListingAsync(new GetListingRequest { Id = listing.Id }));
        await GrpcAssert.InvalidField("dataset_revision", async () => await fixture.Client.CreateListingAsync(new CreateListingRequest
        {
            RequestId = Guid.NewGuid().ToString(), ExchangeCode = "BJ", ProductKind = ProductKind.Other, Name = "行业报告", ListedVolumeBytes = 1_000, DatasetRevision = 1,
        }));
        await GrpcAssert.InvalidField("dataset_revision", async () => await fixture.Client.CreateListingAsync(new CreateListingRequest
        {
            RequestId = Guid.NewGuid().ToString(), ExchangeCode = "BJ", DatasetId = dataset.Id, DatasetRevision = -1,
        }));
    }

    [Fact]
    public async Task DatasetIdAloneMeansAHighQualityListingWithANegotiatedPrice()
    {
        var dataset = fixture.Catalog.Add(CertificationStatus.Certified, volumeBytes: 5_000);

        var listing = await fixture.Client.CreateListingAsync(new CreateListingRequest { RequestId = Guid.NewGuid().ToString(), ExchangeCode = "bj", DatasetId = dataset.Id });

        Assert.Equal(ProductKind.HighQualityDataset, listing.ProductKind);
        Assert.Equal("BJ", listing.ExchangeCode);
        Assert.Null(listing.Pricing);
        Assert.Equal(5_000, listing.ListedVolumeBytes);
    }

    [Fact]
    public async Task ListingWritesItsListingCreatedEventInTheOutbox()
    {
        var listedAt = new DateTimeOffset(2024, 5, 20, 2, 0, 0, TimeSpan.Zero);
        var listing = await fixture.NewHighQualityListingAsync("SZ", volumeBytes: 123_456, listedAt: listedAt);

        var payload = Assert.Single(await fixture.OutboxPayloadsAsync("ListingCreated", "listingId", listing.Id));
        Assert.Equal("high_quality_dataset", payload.GetProperty("productKind").GetString());
        Assert.Equal(123_456, payload.GetProperty("listedVolumeBytes").GetInt64());
        Assert.Equal(listedAt, payload.GetProperty("listedAt").GetDateTimeOffset());
        Assert.Equal(Timestamp.FromDateTimeOffset(listedAt), listing.ListedAt);
    }

    [Fact]
    public async Task ListingOfAnUnknownDatasetIsNotFound()
    {
        var request = HighQuality(new Dataset { Id = Guid.NewGuid().ToString() });

        await GrpcAssert.FailsWith(StatusCode.NotFound, async () => await fixture.Client.CreateListingAsync(request));
    }

    [Theory]
    [InlineData(CatalogMode.Unavailable)]
    [InlineData(CatalogMode.Unreachable)]
    [InlineData(CatalogMode.Hanging)]
    public async Task ListingWhileCatalogIsDownIsUnavailableAndWritesNothing(CatalogMode mode)
    {
        var dataset = fixture.Catalog.Add(CertificationStatus.Certified);
        var outboxBefore = await fixture.CountAsync("select count(*) from outbox_messages");
        fixture.Catalog.Mode = mode;
        try
        {
            await GrpcAssert.FailsWith(StatusCode.Unavailable, async () => await fixture.Client.CreateListingAsync(HighQuality(dataset)));
        }
        finally
        {
            fixture.Catalog.Mode = CatalogMode.Up;
        }

        Assert.Equal(0, await fixture.CountAsync("select count(*) from listings where dataset_id = @id", new { id = Guid.Parse(dataset.Id) }));
        Assert.Equal(outboxBefore, await fixture.CountAsync("select count(*) from outbox_messages"));
    }

    [Fact]
    public async Task OtherProductsAreListedWithoutAskingCatalog()
    {
        var calls = fixture.Catalog.Calls;
        fixture.Catalog.Mode = CatalogMode.Unavailable;
        try
        {
            var listing = await fixture.NewOtherListingAsync("GY", volumeBytes: 42);

            Assert.Equal(ProductKind.Other, listing.ProductKind);
            Assert.Equal(42, listing.ListedVolumeBytes);
            Assert.Equal(calls, fixture.Catalog.Calls);
        }
        finally
        {
            fixture.Catalog.Mode = CatalogMode.Up;
        }
    }

    [Fact]
    public async Task DatasetMayBeListedOnSeveralExchangesButOnlyOnceOnEach()
    {
        var dataset = fixture.Catalog.Add(CertificationStatus.Certified);
        await fixture.Client.CreateListingAsync(HighQuality(dataset, "BJ"));
        await fixture.Client.CreateListingAsync(HighQuality(dataset, "SH"));

        await GrpcAssert.FailsWith(StatusCode.AlreadyExists, async () => await fixture.Client.CreateListingAsync(HighQuality(dataset, "BJ")));
    }

    [Fact]
    public async Task DelistedDatasetMayBeListedAgain()
    {
        var dataset = fixture.Catalog.Add(CertificationStatus.Certified);
        var first = await fixture.Client.CreateListingAsync(HighQuality(dataset, "TJ"));
        await fixture.Client.DelistAsync(new DelistRequest { RequestId = Guid.NewGuid().ToString(), Id = first.Id });

        var second = await fixture.Client.CreateListingAsync(HighQuality(dataset, "TJ"));

        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public async Task RetriedCreateListingReturnsTheSameListing()
    {
        var request = HighQuality(fixture.Catalog.Add(CertificationStatus.Certified), "AH");

        var first = await fixture.Client.CreateListingAsync(request);
        var second = await fixture.Client.CreateListingAsync(request);

        Assert.Equal(first, second);
        Assert.Single(await fixture.OutboxPayloadsAsync("ListingCreated", "listingId", first.Id));
    }

    [Fact]
    public async Task DelistWritesOneListingDelistedEventAndIsIdempotent()
    {
        var listing = await fixture.NewOtherListingAsync("SZ");
        var request = new DelistRequest { RequestId = Guid.NewGuid().ToString(), Id = listing.Id, Reason = "provider withdrew" };

        var first = await fixture.Client.DelistAsync(request);
        var second = await fixture.Client.DelistAsync(request);

        Assert.Equal(ListingStatus.Delisted, first.Status);
        Assert.Equal("provider withdrew", first.DelistReason);
        Assert.Equal(first, second);
        Assert.Single(await fixture.OutboxPayloadsAsync("ListingDelisted", "listingId", listing.Id));
    }

    [Fact]
    public Task ListingInTheFutureIsInvalid() =>
        GrpcAssert.InvalidField("listed_at", async () => await fixture.Client.CreateListingAsync(new CreateListingRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            ExchangeCode = "BJ",
            ProductKind = ProductKind.Other,
            Name = "未来",
            ListedVolumeBytes = 1,
            ListedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1)),
        }));

    [Fact]
    public async Task InvalidListingNamesEveryInvalidField()
    {
        var badRequest = await GrpcAssert.InvalidField("listed_volume_bytes", async () => await fixture.Client.CreateListingAsync(new CreateListingRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            ExchangeCode = "",
            ProductKind = ProductKind.Other,
            ListedVolumeBytes = -1,
            Pricing = new PricingPlan { Model = PricingModel.OneOff, PriceFen = 0 },
        }));

        Assert.Contains(badRequest.FieldViolations, v => v.Field == "exchange_code");
        Assert.Contains(badRequest.FieldViolations, v => v.Field == "name");
        Assert.Contains(badRequest.FieldViolations, v => v.Field == "pricing.price_fen");
    }

    [Fact]
    public Task ListingOnAnUnknownExchangeIsNotFound() =>
        GrpcAssert.FailsWith(StatusCode.NotFound, async () => await fixture.NewOtherListingAsync("NOSUCH"));

    [Fact]
    public async Task ListListingsPagesThroughEveryListingOfAnExchange()
    {
        var exchange = await fixture.NewExchangeAsync();
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await fixture.NewOtherListingAsync(exchange.Code, listedAt: new DateTimeOffset(2024, 1, 1 + i, 0, 0, 0, TimeSpan.Zero))).Id);
        }

        var seen = new List<string>();
        var request = new ListListingsRequest { ExchangeCode = exchange.Code, PageSize = 2 };
        do
        {
            var page = await fixture.Client.ListListingsAsync(request);
            Assert.True(page.Listings.Count <= 2);
            seen.AddRange(page.Listings.Select(l => l.Id));
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        Assert.Equal(created, seen);
    }

    [Fact]
    public async Task ListListingsRejectsMalformedAndForeignPageTokens()
    {
        await GrpcAssert.InvalidField("page_token", async () =>
            await fixture.Client.ListListingsAsync(new ListListingsRequest { PageToken = "garbage" }));

        var exchange = await fixture.NewExchangeAsync();
        await fixture.NewOtherListingAsync(exchange.Code);
        await fixture.NewOtherListingAsync(exchange.Code);
        var page = await fixture.Client.ListListingsAsync(new ListListingsRequest { ExchangeCode = exchange.Code, PageSize = 1 });
        await GrpcAssert.InvalidField("page_token", async () =>
            await fixture.Client.ListListingsAsync(new ListListingsRequest { ExchangeCode = "BJ", PageToken = page.NextPageToken }));
        var edited = page.NextPageToken[..10] + (page.NextPageToken[10] == 'A' ? 'B' : 'A') + page.NextPageToken[11..];
        await GrpcAssert.InvalidField("page_token", async () =>
            await fixture.Client.ListListingsAsync(new ListListingsRequest { ExchangeCode = exchange.Code, PageToken = edited }));
        await GrpcAssert.InvalidField("page_token", async () =>
            await fixture.Client.ListTradesAsync(new ListTradesRequest { ExchangeCode = exchange.Code, PageToken = page.NextPageToken }));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1001)]
    public Task ListListingsRejectsPageSizesOutsideTheOneRule(int pageSize) =>
        GrpcAssert.InvalidField("page_size", async () =>
            await fixture.Client.ListListingsAsync(new ListListingsRequest { PageSize = pageSize }));

    [Fact]
    public Task GetListingOfUnknownIdIsNotFound() =>
        GrpcAssert.FailsWith(StatusCode.NotFound, async () => await fixture.Client.GetListingAsync(new GetListingRequest { Id = Guid.NewGuid().ToString() }));
}
