using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Catalog.V1;
using Platform.Contracts;
using Platform.Testing;
using Platform.Trading.V1;

namespace Platform.Trading.FunctionalTests;

[Collection(TradingCollection.Name)]
public sealed class DatasetRetiredTests(TradingFixture fixture)
{
    [Fact]
    public async Task DatasetRetiredConsumedTwiceDelistsItsListingsOnce()
    {
        var dataset = fixture.Catalog.Add(CertificationStatus.Certified);
        var onBeijing = await ListAsync(dataset, "BJ");
        var onShanghai = await ListAsync(dataset, "SH");
        var unrelated = await fixture.NewHighQualityListingAsync("BJ");
        var observer = new ConsumedMessages();
        using var handle = fixture.Bus.ConnectConsumeObserver(observer);
        await WaitForBusAsync();
        var message = new DatasetRetired(Guid.Parse(dataset.Id), DateTimeOffset.UtcNow);
        var messageId = NewId.NextGuid();

        await fixture.Bus.Publish(message, context => context.MessageId = messageId);
        await Eventually.Returns(() => Task.FromResult(observer.Count(messageId)), n => n >= 1, because: "trading consumes DatasetRetired");

        foreach (var listing in new[] { onBeijing, onShanghai })
        {
            var read = await fixture.Client.GetListingAsync(new GetListingRequest { Id = listing.Id });
            Assert.Equal(ListingStatus.Delisted, read.Status);
            Assert.Equal("dataset_retired", read.DelistReason);
            var delisted = Assert.Single(await fixture.OutboxPayloadsAsync("ListingDelisted", "listingId", listing.Id));
            Assert.Equal("dataset_retired", delisted.GetProperty("reason").GetString());
        }

        Assert.Equal(ListingStatus.Active, (await fixture.Client.GetListingAsync(new GetListingRequest { Id = unrelated.Id })).Status);

        // A redelivered retirement changes nothing.
        await fixture.Bus.Publish(message, context => context.MessageId = messageId);
        await Eventually.Returns(() => Task.FromResult(observer.Count(messageId)), n => n >= 2, because: "the duplicate is delivered too");

        Assert.Single(await fixture.OutboxPayloadsAsync("ListingDelisted", "listingId", onBeijing.Id));
        Assert.Equal(0, observer.Faults);
    }

    [Fact]
    public async Task ListingADatasetWhoseRetirementWasConsumedIsRefused()
    {
        // Catalog still answers CERTIFIED (as a replica that has not caught up would), but trading has consumed the
        // retirement: the listing must not be created, or nothing would ever delist it.
        var dataset = fixture.Catalog.Add(CertificationStatus.Certified);
        var observer = new ConsumedMessages();
        using var handle = fixture.Bus.ConnectConsumeObserver(observer);
        await WaitForBusAsync();
        var messageId = NewId.NextGuid();
        await fixture.Bus.Publish(new DatasetRetired(Guid.Parse(dataset.Id), DateTimeOffset.UtcNow), context => context.MessageId = messageId);
        await Eventually.Returns(() => Task.FromResult(observer.Count(messageId)), n => n >= 1, because: "trading consumes DatasetRetired");

        await GrpcAssert.FailsWith(global::Grpc.Core.StatusCode.FailedPrecondition, () => ListAsync(dataset, "SZ"));
        var listings = await fixture.Client.ListListingsAsync(new ListListingsRequest { DatasetId = dataset.Id });
        Assert.Empty(listings.Listings);
    }

    private Task<Listing> ListAsync(Dataset dataset, string exchange) =>
        fixture.Client.CreateListingAsync(new CreateListingRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            ExchangeCode = exchange,
            ProductKind = ProductKind.HighQualityDataset,
            DatasetId = dataset.Id,
        }).ResponseAsync;

    private async Task WaitForBusAsync()
    {
        var bus = fixture.Services.GetRequiredService<IBusControl>();
        await Eventually.Returns(() => Task.FromResult(bus.CheckHealth().Status), s => s == BusHealthStatus.Healthy, TimeSpan.FromSeconds(60), "the bus starts");
    }

    /// <summary>Counts the DatasetRetired deliveries trading's consumer has finished, by message id.</summary>
    private sealed class ConsumedMessages : IConsumeObserver
    {
        private readonly ConcurrentDictionary<Guid, int> _consumed = new();
        private int _faults;

        public int Faults => Volatile.Read(ref _faults);

        public int Count(Guid messageId) => _consumed.GetValueOrDefault(messageId);

        public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context) where T : class
        {
            if (context.Message is DatasetRetired && context.MessageId is { } id)
            {
                _consumed.AddOrUpdate(id, 1, (_, n) => n + 1);
            }

            return Task.CompletedTask;
        }

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
        {
            Interlocked.Increment(ref _faults);
            return Task.CompletedTask;
        }
    }
}
