using Platform.Contracts;
using Platform.Metrics.V1;
using Platform.Testing;

namespace Platform.Metrics.FunctionalTests;

[Collection(MetricsCollection.Name)]
public sealed class EventIndicatorTests(MetricsFixture fixture)
{
    private MetricsHost Host => fixture.Host;

    private Task<HeadlineIndicators> Headline() => Host.Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = HeadlineView.Full }).ResponseAsync;

    private static Breakdown? Domain(HeadlineIndicators h, string domain) => h.H2CertifiedVolume.ByDomain.SingleOrDefault(b => b.Key == domain);

    [Fact]
    public async Task AConsumedEventsLagFromItsCommitIsMeasured()
    {
        // Any replica a test started may consume the event: they share the queue.
        using var meters = MeterRecorder.AllReplicas("Platform.Metrics");
        var written = DateTimeOffset.UtcNow.AddSeconds(-3);
        await Host.PublishAsync(new DatasetUpdated(Guid.NewGuid(), 2, "draft", Events.Facts(Events.Unique("lag"), 10), written), Guid.CreateVersion7(written));

        // The outbox id (a version 7 UUID) carries the commit time: written 3 s ago, consumed now.
        var lags = await Eventually.Returns(
            () => Task.FromResult(meters.Values("platform.metrics.consumer_lag", ("messaging.message.type", nameof(DatasetUpdated)))),
            values => values.Count > 0);
        Assert.InRange(lags.Max(), 3.0, 60.0);
    }

    [Fact]
    public async Task TheDefaultBasicViewHasEveryFigureButNotThePerKeyLists()
    {
        var domain = Events.Unique("finance");
        var id = Guid.NewGuid();
        await Host.PublishAsync(Events.Certified(id, Events.Facts(domain, 4_096, "text", "chengdu")));
        // Both views of one snapshot (same as-of time: no other change came between the two reads).
        var (full, basic) = await Eventually.Returns(
            async () => (await Headline(), await Host.Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest()).ResponseAsync),
            views => Domain(views.Item1, domain)?.DatasetCount == 1 && views.Item1.AsOf.Equals(views.Item2.AsOf),
            because: "the certified dataset, in both views of one snapshot");

        // Every figure equal, only the per-key lists left out.
        var expected = full.Clone();
        expected.H2CertifiedVolume.ByDomain.Clear();
        expected.H2CertifiedVolume.ByModality.Clear();
        expected.H2CertifiedVolume.ByAnnotationBase.Clear();
        expected.H7ChineseTrainingShare.Models.Clear();
        expected.H8AnnotationBases.Bases.Clear();
        Assert.Equal(expected, basic);
        Assert.NotEmpty(full.H8AnnotationBases.Bases);
        Assert.Equal(7, basic.H8AnnotationBases.BaseCount.Value);
        Assert.Empty(basic.H2CertifiedVolume.ByDomain);
    }

    [Fact]
    public async Task CertifiedDatasetsAreCountedWithTheirVolumeByDomainModalityAndBase()
    {
        var domain = Events.Unique("healthcare");
        var before = await Headline();
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        // A dataset that was only edited (never certified) is stored but not counted.
        await Host.PublishAsync(new DatasetUpdated(Guid.NewGuid(), 2, "draft", Events.Facts(domain, 999), DateTimeOffset.UtcNow));
        await Host.PublishAsync(Events.Certified(first, Events.Facts(domain, 100, "text", "hefei")));
        await Host.PublishAsync(Events.Certified(second, Events.Facts(domain, 250, "text", "hefei")));

        var after = await Eventually.Returns(Headline, h => Domain(h, domain)?.DatasetCount == 2, because: "two certified datasets");

        Assert.Equal(350, Domain(after, domain)!.VolumeBytes);
        Assert.Equal(before.H1CertifiedDatasets.Value + 2, after.H1CertifiedDatasets.Value);
        Assert.Equal(before.H2CertifiedVolume.Total.Value + 350, after.H2CertifiedVolume.Total.Value);
        Assert.Equal(after.H1CertifiedDatasets.Value, after.H1CertifiedDatasets.Provenance.RecordCount);
        Assert.Contains("DatasetCertified", after.H1CertifiedDatasets.Provenance.RecordKinds);
        var hefeiBefore = before.H8AnnotationBases.Bases.Single(b => b.Code == "hefei");
        var hefeiAfter = after.H8AnnotationBases.Bases.Single(b => b.Code == "hefei");
        Assert.Equal(hefeiBefore.DatasetCount + 2, hefeiAfter.DatasetCount);
        Assert.Equal(hefeiBefore.VolumeBytes + 350, hefeiAfter.VolumeBytes);
        Assert.Equal(7, after.H8AnnotationBases.BaseCount.Value);
        Assert.Equal("Anhui", hefeiAfter.Province);
    }

    [Fact]
    public async Task RedeliveredEventsDoNotInflateTheIndicators()
    {
        var domain = Events.Unique("finance");
        var exchange = Events.ExchangeCode("BJEX");
        var certified = Events.Certified(Guid.NewGuid(), Events.Facts(domain, 1_000));
        var certifiedId = await Host.PublishAsync(certified);
        var trade = Events.Trade(exchange, ProductKinds.HighQualityDataset, 12_345, 2025);
        var tradeId = await Host.PublishAsync(trade);
        await Eventually.Returns(Headline, h => Domain(h, domain)?.DatasetCount == 1
            && h.H5ExchangeShares.Shares.Any(s => s.ExchangeCode == exchange));

        // The same messages again (a redelivery: same message ids), then a sentinel that is processed after them.
        await Host.PublishAsync(certified, certifiedId);
        await Host.PublishAsync(trade, tradeId);
        await Host.PublishAsync(certified, certifiedId);
        await Eventually.Returns(
            () => fixture.QueryAsync<long>("select count(*) from processed_messages where message_id = any(@ids)", new { ids = new[] { certifiedId, tradeId } }),
            n => n == 2);
        var sentinel = Events.Certified(Guid.NewGuid(), Events.Facts(domain, 1));
        await Host.PublishAsync(sentinel);
        var after = await Eventually.Returns(Headline, h => Domain(h, domain)?.VolumeBytes >= 1_001);
        await Task.Delay(300);
        after = await Headline();

        Assert.Equal(2, Domain(after, domain)!.DatasetCount);
        Assert.Equal(1_001, Domain(after, domain)!.VolumeBytes);
        Assert.Equal(12_345, after.H5ExchangeShares.Shares.Single(s => s.ExchangeCode == exchange).HighQualityAmountFen);
    }

    [Fact]
    public async Task RetirementThatArrivesBeforeCertificationIsNotUndone()
    {
        var domain = Events.Unique("transport");
        var id = Guid.NewGuid();
        var certifiedAt = DateTimeOffset.UtcNow.AddMinutes(-5);
        await Host.PublishAsync(new DatasetRetired(id, certifiedAt.AddMinutes(1)));
        await Eventually.Returns(() => fixture.QueryAsync<long>("select count(*) from datasets where dataset_id = @id", new { id }), n => n == 1);
        await Host.PublishAsync(Events.Certified(id, Events.Facts(domain, 500), certifiedAt));
        await Eventually.Returns(
            () => fixture.QueryAsync<long>("select count(*) from datasets where dataset_id = @id and certified_at is not null", new { id }), n => n == 1);
        var kept = Guid.NewGuid();
        await Host.PublishAsync(Events.Certified(kept, Events.Facts(domain, 7)));

        var after = await Eventually.Returns(Headline, h => Domain(h, domain) is not null);

        Assert.Equal(1, Domain(after, domain)!.DatasetCount);
        Assert.Equal(7, Domain(after, domain)!.VolumeBytes);
    }

    [Fact]
    public async Task RetiredDatasetLeavesTheCountAndUpdatesChangeItsFacts()
    {
        var domain = Events.Unique("education");
        var other = Events.Unique("education");
        var retired = Guid.NewGuid();
        var updated = Guid.NewGuid();
        await Host.PublishAsync(Events.Certified(retired, Events.Facts(domain, 100), DateTimeOffset.UtcNow.AddMinutes(-2)));
        await Host.PublishAsync(Events.Certified(updated, Events.Facts(domain, 200), DateTimeOffset.UtcNow.AddMinutes(-2)));
        await Eventually.Returns(Headline, h => Domain(h, domain)?.DatasetCount == 2);

        await Host.PublishAsync(new DatasetRetired(retired, DateTimeOffset.UtcNow));
        await Host.PublishAsync(new DatasetUpdated(updated, 2, "certified", Events.Facts(other, 300), DateTimeOffset.UtcNow));
        var after = await Eventually.Returns(Headline, h => Domain(h, domain) is null && Domain(h, other)?.DatasetCount == 1);

        Assert.Equal(300, Domain(after, other)!.VolumeBytes);
    }

    [Fact]
    public async Task ListedVolumeCountsLiveHighQualityListingsEvenWhenTheDelistingArrivesFirst()
    {
        var exchange = Events.ExchangeCode("SHEX");
        var before = await Headline();
        var live = Guid.NewGuid();
        var gone = Guid.NewGuid();
        var withdrawnEarly = Guid.NewGuid();
        await Host.PublishAsync(Events.Listed(live, exchange, 1_000));
        await Host.PublishAsync(Events.Listed(Guid.NewGuid(), exchange, 5_000, ProductKinds.Other));
        await Host.PublishAsync(Events.Listed(gone, exchange, 2_000));
        await Host.PublishAsync(Events.Delisted(withdrawnEarly, exchange, 4_000));
        await Eventually.Returns(() => fixture.QueryAsync<long>("select count(*) from listings where exchange_code = @exchange", new { exchange }), n => n == 4);
        await Host.PublishAsync(Events.Delisted(gone, exchange, 2_000));
        await Host.PublishAsync(Events.Listed(withdrawnEarly, exchange, 4_000));
        await Eventually.Returns(
            () => fixture.QueryAsync<long>("select count(*) from listings where exchange_code = @exchange and listed_at is not null and (listing_id <> @gone or delisted_at is not null)", new { exchange, gone }),
            n => n == 4);

        var after = await Eventually.Returns(Headline, h => h.H4ListedVolume.Value == before.H4ListedVolume.Value + 1_000);

        Assert.Equal(before.H4ListedVolume.Provenance.RecordCount + 1, after.H4ListedVolume.Provenance.RecordCount);
    }

    [Fact]
    public async Task TradeAmountsGiveTheHighQualityTotalAndEachExchangesYearlyShare()
    {
        var exchange = Events.ExchangeCode("BJEX");
        var before = await Headline();
        var equity = Events.Trade(exchange, ProductKinds.HighQualityDataset, 500, 2025, "equity_contribution");
        await Host.PublishAsync(Events.Trade(exchange, ProductKinds.HighQualityDataset, 300, 2024));
        await Host.PublishAsync(Events.Trade(exchange, ProductKinds.Other, 2_700, 2024));
        await Host.PublishAsync(Events.Trade(exchange, ProductKinds.HighQualityDataset, 300, 2025));
        await Host.PublishAsync(equity);
        await Host.PublishAsync(new EquityContributionRecorded(equity.TradeId, exchange, equity.DatasetId, "某公司", 500, 1_500, equity.SettledAt));
        await Host.PublishAsync(Events.Trade(exchange, ProductKinds.Other, 200, 2025));

        var shares = await Eventually.Returns(
            () => Host.Client.GetExchangeShareAsync(new GetExchangeShareRequest { ExchangeCode = exchange }).ResponseAsync,
            s => s.Shares.Sum(y => y.TradeCount) == 5);
        await Eventually.Returns(() => fixture.QueryAsync<long>("select count(*) from equity_contributions where trade_id = @id", new { id = equity.TradeId }), n => n == 1);
        var after = await Eventually.Returns(Headline, h => h.H3HighQualityTradeAmount.Value == before.H3HighQualityTradeAmount.Value + 1_100);

        var y2024 = shares.Shares.Single(s => s.Year == 2024);
        var y2025 = shares.Shares.Single(s => s.Year == 2025);
        Assert.Equal((300, 3_000, 1_000, "10.00", "percent"), (y2024.HighQualityAmountFen, y2024.TotalAmountFen, y2024.Share.BasisPoints, y2024.Share.Value, y2024.Share.Unit));
        Assert.Equal((800, 1_000, 8_000, "80.00"), (y2025.HighQualityAmountFen, y2025.TotalAmountFen, y2025.Share.BasisPoints, y2025.Share.Value));
        Assert.Equal(before.H3HighQualityTradeAmount.Provenance.RecordCount + 3, after.H3HighQualityTradeAmount.Provenance.RecordCount);
        var only2025 = await Host.Client.GetExchangeShareAsync(new GetExchangeShareRequest { ExchangeCode = exchange, FromYear = 2025, ToYear = 2025 });
        Assert.Equal(2025, Assert.Single(only2025.Shares).Year);
    }

    [Fact]
    public async Task IndicatorSeriesGivesTheFigureAtTheEndOfEachPeriod()
    {
        var exchange = Events.ExchangeCode("SZEX");
        var before = await Host.Client.GetIndicatorSeriesAsync(new GetIndicatorSeriesRequest
        {
            Indicator = Indicator.H3HighQualityTradeAmount, FromDay = "2019-01-01", ToDay = "2019-03-31", Granularity = Granularity.Month,
        });
        await Host.PublishAsync(Events.Trade(exchange, ProductKinds.HighQualityDataset, 1_000, 2019) with { SettledAt = new DateTimeOffset(2019, 2, 10, 0, 0, 0, TimeSpan.FromHours(8)) });
        await Eventually.Returns(
            () => Host.Client.GetExchangeShareAsync(new GetExchangeShareRequest { ExchangeCode = exchange }).ResponseAsync, s => s.Shares.Count == 1);

        var series = await Eventually.Returns(
            () => Host.Client.GetIndicatorSeriesAsync(new GetIndicatorSeriesRequest
            {
                Indicator = Indicator.H3HighQualityTradeAmount, FromDay = "2019-01-01", ToDay = "2019-03-31", Granularity = Granularity.Month,
            }).ResponseAsync,
            s => s.Points[2].Value == before.Points[2].Value + 1_000);

        Assert.Equal(["2019-01-01", "2019-02-01", "2019-03-01"], series.Points.Select(p => p.PeriodStart));
        Assert.Equal(before.Points[0].Value, series.Points[0].Value);
        Assert.Equal(before.Points[1].Value + 1_000, series.Points[1].Value);
        Assert.Equal("fen", series.Unit);
    }
}
