using Grpc.Core;
using Platform.Contracts;
using Platform.Metrics.V1;
using Platform.Testing;

namespace Platform.Metrics.FunctionalTests;

/// <summary>The headline and the exchange shares as they stood at the end of a past day (as_of), from the records' times.</summary>
[Collection(MetricsCollection.Name)]
public sealed class AsOfTests(MetricsFixture fixture)
{
    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    private MetricsHost Host => fixture.Host;

    private static DateTimeOffset At(int year, int month, int day, int hour) => new(year, month, day, hour, 0, 0, ChinaStandardTime);

    private Task<HeadlineIndicators> FullAsOf(string day) =>
        Host.Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = HeadlineView.Full, AsOf = day }).ResponseAsync;

    [Fact]
    public async Task ADatasetCountsFromTheDayItWasCertifiedUntilTheDayItWasRetired()
    {
        var domain = Events.Unique("asof");
        var (early, late) = (Guid.NewGuid(), Guid.NewGuid());
        await Host.PublishAsync(Events.Certified(early, Events.Facts(domain, 1_000), At(2024, 3, 1, 10)));
        await Host.PublishAsync(Events.Certified(late, Events.Facts(domain, 500), At(2024, 12, 31, 23)));
        await Host.PublishAsync(new DatasetRetired(early, At(2025, 2, 1, 9)));
        await Eventually.Returns(() => Host.Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = HeadlineView.Full }).ResponseAsync,
            h => h.H2CertifiedVolume.ByDomain.SingleOrDefault(b => b.Key == domain) is { DatasetCount: 1, VolumeBytes: 500 }, because: "all three events consumed");

        long? Bytes(HeadlineIndicators h) => h.H2CertifiedVolume.ByDomain.SingleOrDefault(b => b.Key == domain)?.VolumeBytes;
        // 23:00 in China on 2024-12-31 is still that day; the retirement on 2025-02-01 ends the early one's count.
        Assert.Null(Bytes(await FullAsOf("2024-02-29")));
        Assert.Equal(1_000, Bytes(await FullAsOf("2024-12-30")));
        Assert.Equal(1_500, Bytes(await FullAsOf("2024-12-31")));
        Assert.Equal(500, Bytes(await FullAsOf("2025-02-01")));
        var asOf = await FullAsOf("2024-12-31");
        Assert.Equal(At(2025, 1, 1, 0), asOf.AsOf.ToDateTimeOffset());
    }

    [Fact]
    public async Task ACertifiedRevisionCountsFromTheDayItWasCertifiedAndTheSeriesAgrees()
    {
        var domain = Events.Unique("revision");
        var id = Guid.NewGuid();
        await Host.PublishAsync(Events.Certified(id, Events.Facts(domain, 1_000), At(2024, 3, 1, 10)));
        await Host.PublishAsync(Events.Certified(id, Events.Facts(domain, 1_600), At(2024, 9, 1, 10), revision: 2));
        await Eventually.Returns(() => Host.Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = HeadlineView.Full }).ResponseAsync,
            h => h.H2CertifiedVolume.ByDomain.SingleOrDefault(b => b.Key == domain) is { DatasetCount: 1, VolumeBytes: 1_600 }, because: "both certifications consumed");

        (long, long)? Counted(HeadlineIndicators h) =>
            h.H2CertifiedVolume.ByDomain.SingleOrDefault(b => b.Key == domain) is { } bucket ? (bucket.DatasetCount, bucket.VolumeBytes) : null;
        Assert.Equal((1L, 1_000L), Counted(await FullAsOf("2024-08-31")));
        Assert.Equal((1L, 1_600L), Counted(await FullAsOf("2024-09-01")));

        // The series' day-to-day change on the revision's day is the difference of the two volumes, and no new dataset.
        var request = new GetIndicatorSeriesRequest { Indicator = Indicator.H2CertifiedVolume, FromDay = "2024-08-31", ToDay = "2024-09-01", Granularity = Granularity.Day };
        var counts = new GetIndicatorSeriesRequest { Indicator = Indicator.H1CertifiedDatasets, FromDay = "2024-08-31", ToDay = "2024-09-01", Granularity = Granularity.Day };
        var (volumes, datasets, _) = await Eventually.Returns(
            async () => ((await Host.Client.GetIndicatorSeriesAsync(request)).Points, (await Host.Client.GetIndicatorSeriesAsync(counts)).Points,
                (await FullAsOf("2024-09-01")).H2CertifiedVolume.Total.Value),
            r => r.Item3 == r.Item1[1].Value, because: "headline as of 2024-09-01 equal to the series' point");
        Assert.Equal(600, volumes[1].Value - volumes[0].Value);
        Assert.Equal(0, datasets[1].Value - datasets[0].Value);
    }

    [Fact]
    public async Task TheHeadlineAsOfADayEqualsTheSeriesValueForThatDay()
    {
        await Host.PublishAsync(Events.Certified(Guid.NewGuid(), Events.Facts(Events.Unique("series"), 4_096), At(2024, 12, 31, 8)));
        var series = new GetIndicatorSeriesRequest { Indicator = Indicator.H2CertifiedVolume, FromDay = "2024-12-31", ToDay = "2024-12-31", Granularity = Granularity.Day };

        // Both read the same records once the event is consumed (other tests' events may land in between: retried until equal).
        var (headline, point) = await Eventually.Returns(
            async () => ((await FullAsOf("2024-12-31")).H2CertifiedVolume.Total, (await Host.Client.GetIndicatorSeriesAsync(series)).Points.Single()),
            pair => pair.Item1.Value == pair.Item2.Value && pair.Item1.Value > 0, because: "headline as of 2024-12-31 equal to the series' point");

        Assert.Equal(point.ValueExact.Value, headline.ValueExact.Value);
    }

    [Fact]
    public async Task TheExchangeShareAsOfADayCountsTheTradesSettledByItsEnd()
    {
        var exchange = Events.ExchangeCode("ASOF");
        await Host.PublishAsync(Events.Trade(exchange, ProductKinds.HighQualityDataset, 100, 2024) with { SettledAt = At(2024, 3, 1, 12) });
        await Host.PublishAsync(Events.Trade(exchange, ProductKinds.Other, 300, 2024) with { SettledAt = At(2024, 9, 1, 12) });
        await Eventually.Returns(() => Host.Client.GetExchangeShareAsync(new GetExchangeShareRequest { ExchangeCode = exchange }).ResponseAsync,
            s => s.Shares.SingleOrDefault()?.TotalAmountFen == 400, because: "both trades consumed");

        var midyear = await Host.Client.GetExchangeShareAsync(new GetExchangeShareRequest { ExchangeCode = exchange, AsOf = "2024-06-30" });

        var share = Assert.Single(midyear.Shares);
        Assert.Equal((100L, 100L), (share.HighQualityAmountFen, share.TotalAmountFen));
        Assert.Equal("100.00", share.Share.Value);
    }

    [Theory]
    [InlineData("2024-13-01")]
    [InlineData("1999-12-31")]
    public async Task AnAsOfThatIsNotAPastDayIsInvalid(string asOf)
    {
        await GrpcAssert.InvalidField("as_of", async () => await Host.Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { AsOf = asOf }));
        await GrpcAssert.InvalidField("as_of", async () => await Host.Client.GetExchangeShareAsync(new GetExchangeShareRequest { AsOf = asOf }));
    }

    [Fact]
    public async Task TodayHasNotEndedYet()
    {
        var today = DateTimeOffset.UtcNow.ToOffset(ChinaStandardTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var error = await GrpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await Host.Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { AsOf = today }));
        Assert.Equal(["as_of"], GrpcAssert.ViolatedFields(error));
    }
}
