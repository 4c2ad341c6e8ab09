extern alias metrics;
using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Contracts;
using Platform.Infrastructure.Messaging;
using metrics::Platform.Metrics.Data;
using Platform.Metrics.V1;
using Platform.Testing;

namespace Platform.Metrics.FunctionalTests;

/// <summary>Events are consumed in batches: one transaction and one cache invalidation per batch.</summary>
[Collection(MetricsCollection.Name)]
public sealed class BatchConsumptionTests(MetricsFixture fixture)
{
    private MetricsHost Host => fixture.Host;

    private Task<HeadlineIndicators> Headline() => Host.Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = HeadlineView.Full }).ResponseAsync;

    private static Breakdown? Domain(HeadlineIndicators h, string domain) => h.H2CertifiedVolume.ByDomain.SingleOrDefault(b => b.Key == domain);

    private Task<long> Processed(params Guid[] ids) =>
        fixture.QueryAsync<long>("select count(*) from processed_messages where message_id = any(@ids)", new { ids });

    [Fact]
    public async Task InboxClaimsEachNewMessageIdOnceAndSkipsTheSeenOnes()
    {
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();

        await using var first = await connection.BeginTransactionAsync();
        var claimedFirst = await Inbox.TryBeginManyAsync(connection, first, "BatchTest", [a, b, a], CancellationToken.None);
        await first.CommitAsync();
        await using var second = await connection.BeginTransactionAsync();
        var claimedSecond = await Inbox.TryBeginManyAsync(connection, second, "BatchTest", [b, c], CancellationToken.None);
        await second.CommitAsync();

        Assert.Equal(new[] { a, b }.Order(), claimedFirst.Order());
        Assert.Equal([c], claimedSecond);
    }

    [Fact]
    public async Task SameMessageIdsDeliveredTogetherOrAgainCountOnce()
    {
        var domain = Events.Unique("batchdup");
        var first = Events.Certified(Guid.NewGuid(), Events.Facts(domain, 100));
        var second = Events.Certified(Guid.NewGuid(), Events.Facts(domain, 20));
        var (firstId, secondId) = (Guid.NewGuid(), Guid.NewGuid());

        // Published together they are consumed in one batch (or a few): the duplicates must not count.
        await Task.WhenAll(
            Host.PublishAsync(first, firstId), Host.PublishAsync(first, firstId), Host.PublishAsync(second, secondId), Host.PublishAsync(first, firstId));
        await Eventually.Returns(() => Processed(firstId, secondId), n => n == 2);

        // A batch mixing seen and new ids: only the new one is applied.
        var third = Events.Certified(Guid.NewGuid(), Events.Facts(domain, 3));
        var thirdId = Guid.NewGuid();
        await Task.WhenAll(Host.PublishAsync(second, secondId), Host.PublishAsync(third, thirdId), Host.PublishAsync(first, firstId));
        await Eventually.Returns(() => Processed(firstId, secondId, thirdId), n => n == 3);
        var after = await Eventually.Returns(Headline, h => Domain(h, domain)?.DatasetCount == 3);
        await Task.Delay(300);
        after = await Headline();

        Assert.Equal(3, Domain(after, domain)!.DatasetCount);
        Assert.Equal(123, Domain(after, domain)!.VolumeBytes);
    }

    [Fact]
    public async Task EventsAboutOneDatasetInOneBatchAreAppliedInOrder()
    {
        var domain = Events.Unique("batchorder");
        var renamed = Events.Unique("batchorder");
        var (retiredFirst, recertified, updated) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var t = DateTimeOffset.UtcNow.AddMinutes(-10);
        await using var dataSource = NpgsqlDataSource.Create(fixture.ConnectionString);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        // In one batch: a dataset's revisions 2 and 1 certified, the newer first (revision 1's facts must not win, its
        // time is the dataset's certification), and one updated twice, newest first.
        await DatasetEventWriter.DatasetCertifiedAsync(connection, transaction,
        [
            Events.Certified(recertified, Events.Facts(domain, 500), t.AddMinutes(2), revision: 2),
            Events.Certified(updated, Events.Facts(domain, 7), t),
            Events.Certified(recertified, Events.Facts(domain, 999), t.AddMinutes(1)),
            Events.Certified(recertified, Events.Facts(domain, 999), t.AddMinutes(1)),
        ], CancellationToken.None);
        await DatasetEventWriter.DatasetUpdatedAsync(connection, transaction,
        [
            new DatasetUpdated(updated, 3, "certified", Events.Facts(renamed, 70), t.AddMinutes(4)),
            new DatasetUpdated(updated, 2, "certified", Events.Facts(domain, 8), t.AddMinutes(3)),
        ], CancellationToken.None);
        await DatasetEventWriter.DatasetRetiredAsync(connection, transaction, [new DatasetRetired(retiredFirst, t.AddMinutes(5)), new DatasetRetired(retiredFirst, t.AddMinutes(1))], CancellationToken.None);
        await DatasetEventWriter.DatasetCertifiedAsync(connection, transaction, [Events.Certified(retiredFirst, Events.Facts(domain, 1), t)], CancellationToken.None);
        await transaction.CommitAsync();

        Assert.Equal(500, await fixture.QueryAsync<long>("select volume_bytes from datasets where dataset_id = @recertified", new { recertified }));
        Assert.Equal(t.AddMinutes(1).UtcDateTime, await fixture.QueryAsync<DateTime>("select certified_at from datasets where dataset_id = @recertified", new { recertified }), TimeSpan.FromMilliseconds(1));
        Assert.Equal("1:999 2:500", await fixture.QueryAsync<string>(
            "select string_agg(revision || ':' || volume_bytes, ' ' order by revision) from certified_revisions where dataset_id = @recertified", new { recertified }));
        Assert.Equal((renamed, 70L), await fixture.QueryAsync<(string, long)>("select domain, volume_bytes from datasets where dataset_id = @updated", new { updated }));
        Assert.True(await fixture.QueryAsync<bool>("select retired_at > certified_at from datasets where dataset_id = @retiredFirst", new { retiredFirst }));
    }

    [Fact]
    public async Task AWatchReflectsABatchOfEvents()
    {
        var domain = Events.Unique("batchwatch");
        using var watch = Host.Client.WatchHeadlineIndicators(new WatchHeadlineIndicatorsRequest { View = HeadlineView.Full });
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));

        await Task.WhenAll(Enumerable.Range(1, 100).Select(i => Host.PublishAsync(Events.Certified(Guid.NewGuid(), Events.Facts(domain, i)))));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (Domain(watch.ResponseStream.Current, domain)?.DatasetCount != 100)
        {
            Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        }

        Assert.Equal(5_050, Domain(watch.ResponseStream.Current, domain)!.VolumeBytes);
        Assert.Equal(5_050, Domain(await Headline(), domain)!.VolumeBytes);
    }

    [Fact]
    public async Task APoisonMessageFaultsAloneAndTheRestOfItsBatchIsStored()
    {
        var faults = new ConcurrentQueue<Guid?>();
        var bus = Host.Services.GetRequiredService<IBus>();
        var handle = bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), null, endpoint =>
            endpoint.Handler<Fault<DatasetCertified>>(context =>
            {
                faults.Enqueue(context.Message.FaultedMessageId);
                return Task.CompletedTask;
            }));
        await handle.Ready;
        try
        {
            var domain = Events.Unique("batchpoison");
            var (goodBefore, poison, goodAfter) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
            // A name is required: this event violates a not-null constraint every time it is applied.
            var bad = Events.Certified(Guid.NewGuid(), Events.Facts(domain, 1_000) with { Name = null! });

            await Task.WhenAll(
                Host.PublishAsync(Events.Certified(Guid.NewGuid(), Events.Facts(domain, 10)), goodBefore),
                Host.PublishAsync(bad, poison),
                Host.PublishAsync(Events.Certified(Guid.NewGuid(), Events.Facts(domain, 20)), goodAfter));

            var counted = await Eventually.Returns(Headline, h => Domain(h, domain)?.DatasetCount == 2, because: "the good messages are stored");
            Assert.Equal(30, Domain(counted, domain)!.VolumeBytes);
            // After its retries (about 8 s) the poison message faults. A good message regrouped with it by MassTransit
            // may fault too, but it stays stored exactly once and its fault is harmless (the inbox skips a replay).
            await Eventually.Returns(() => Task.FromResult(faults.ToArray()), f => f.Contains(poison), TimeSpan.FromSeconds(40), "the poison message faults");
            await Task.Delay(500);

            Assert.Equal(2, await Processed(goodBefore, poison, goodAfter));
            Assert.Equal(30, Domain(await Headline(), domain)!.VolumeBytes);
            var sentinel = Guid.NewGuid();
            await Host.PublishAsync(Events.Certified(Guid.NewGuid(), Events.Facts(domain, 5)), sentinel);
            await Eventually.Returns(() => Processed(sentinel), n => n == 1, because: "consumption goes on after the poison message");
        }
        finally
        {
            await handle.StopAsync();
        }
    }
}
