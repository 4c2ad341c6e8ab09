using Grpc.Core;
using Npgsql;
using Platform.Infrastructure.Grpc;
using Platform.Metrics.V1;
using Platform.Testing;

namespace Platform.Metrics.FunctionalTests;

/// <summary>
/// Records at the largest bounds, enough of them that an int64 sum overflows (twelve datasets and listings of 1 EB,
/// a million trades of 10^13 fen, a day of 10,000 reports of 10^15 tokens): every read answers OK with the exact
/// total in its <c>…_exact</c> field and the int64 field saturated.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class ExactTotalsTests(MetricsFixture fixture)
{
    private const int Count = 12;
    private static readonly decimal MaxBytes = Quantities.MaxVolumeBytes;

    private MetricsHost Host => fixture.Host;

    private Task<HeadlineIndicators> Headline() => Host.Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = HeadlineView.Full }).ResponseAsync;

    [Fact]
    public async Task CertifiedAndListedVolumesBeyondInt64AreExact()
    {
        var domain = Events.Unique("exabyte");
        var exchange = Events.ExchangeCode("XB");
        var before = await Headline();
        for (var i = 0; i < Count; i++)
        {
            await Host.PublishAsync(Events.Certified(Guid.NewGuid(), Events.Facts(domain, Quantities.MaxVolumeBytes, "text", "datong")));
            await Host.PublishAsync(Events.Listed(Guid.NewGuid(), exchange, Quantities.MaxVolumeBytes));
        }

        try
        {
            await AssertExactAsync(before, domain, exchange);
        }
        finally
        {
            // The exabytes would saturate the int64 totals the other tests compare.
            await using var connection = new NpgsqlConnection(fixture.ConnectionString);
            await connection.OpenAsync();
            await using var delete = new NpgsqlCommand("""
                delete from certified_revisions where dataset_id in (select dataset_id from datasets where domain = @domain);
                delete from datasets where domain = @domain; delete from listings where exchange_code = @exchange
                """, connection);
            delete.Parameters.AddWithValue("domain", domain);
            delete.Parameters.AddWithValue("exchange", exchange);
            await delete.ExecuteNonQueryAsync();
            await Host.Client.RebuildIndicatorsAsync(new RebuildIndicatorsRequest());
        }
    }

    private async Task AssertExactAsync(HeadlineIndicators before, string domain, string exchange)
    {
        var added = Count * MaxBytes;
        var after = await Eventually.Returns(Headline,
            h => h.H2CertifiedVolume.ByDomain.SingleOrDefault(b => b.Key == domain)?.DatasetCount == Count
                 && Totals.Parse(h.H4ListedVolume.ValueExact) == Totals.Parse(before.H4ListedVolume.ValueExact) + added,
            because: "twelve certified datasets and twelve listings of 1 EB");

        var byDomain = after.H2CertifiedVolume.ByDomain.Single(b => b.Key == domain);
        Assert.Equal((added, long.MaxValue), (Totals.Parse(byDomain.VolumeBytesExact), byDomain.VolumeBytes));
        Assert.Equal(Totals.Parse(before.H2CertifiedVolume.Total.ValueExact) + added, Totals.Parse(after.H2CertifiedVolume.Total.ValueExact));
        Assert.Equal(long.MaxValue, after.H2CertifiedVolume.Total.Value);
        Assert.Equal(long.MaxValue, after.H4ListedVolume.Value);
        var datong = after.H8AnnotationBases.Bases.Single(b => b.Code == "datong");
        Assert.Equal(Totals.Parse(before.H8AnnotationBases.Bases.Single(b => b.Code == "datong").VolumeBytesExact) + added, Totals.Parse(datong.VolumeBytesExact));

        var today = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var series = await Host.Client.GetIndicatorSeriesAsync(new GetIndicatorSeriesRequest
        {
            Indicator = Indicator.H2CertifiedVolume, FromDay = "2020-01-01", ToDay = today, Granularity = Granularity.Month,
        });
        Assert.Equal(Totals.Parse(after.H2CertifiedVolume.Total.ValueExact), Totals.Parse(series.Points[^1].ValueExact));
        Assert.Equal(long.MaxValue, series.Growth.ToValue);
    }

    [Fact]
    public async Task AMillionTradesAtTheLargestAmountAreSummedExactly()
    {
        const int trades = 1_000_000;
        var exchange = Events.ExchangeCode("XT");
        var amount = (decimal)Quantities.MaxAmountFen;
        await using (var connection = new NpgsqlConnection(fixture.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand(
                """
                insert into trades (trade_id, listing_id, exchange_code, trade_type, product_kind, dataset_id, amount_fen, settled_at)
                select gen_random_uuid(), gen_random_uuid(), @exchange, 'purchase', 'high_quality_dataset', gen_random_uuid(), @amount,
                       timestamptz '2024-06-01 12:00+08'
                from generate_series(1, @trades)
                """, connection);
            insert.Parameters.AddWithValue("exchange", exchange);
            insert.Parameters.AddWithValue("amount", Quantities.MaxAmountFen);
            insert.Parameters.AddWithValue("trades", trades);
            insert.CommandTimeout = 300; // a million rows, on a machine running the other suites too
            await insert.ExecuteNonQueryAsync();
        }

        try
        {
            var rebuilt = (await Host.Client.RebuildIndicatorsAsync(new RebuildIndicatorsRequest())).Headline;
            var total = trades * amount;
            Assert.True(total > long.MaxValue);
            Assert.True(Totals.Parse(rebuilt.H3HighQualityTradeAmount.ValueExact) >= total);
            Assert.Equal(long.MaxValue, rebuilt.H3HighQualityTradeAmount.Value);

            var share = (await Host.Client.GetExchangeShareAsync(new GetExchangeShareRequest { ExchangeCode = exchange })).Shares.Single();
            Assert.Equal((total, total, long.MaxValue), (Totals.Parse(share.TotalAmountFenExact), Totals.Parse(share.HighQualityAmountFenExact), share.TotalAmountFen));
            Assert.Equal((10_000L, "100.00", (long)trades), (share.Share.BasisPoints, share.Share.Value, share.TradeCount));

            var series = await Host.Client.GetIndicatorSeriesAsync(new GetIndicatorSeriesRequest
            {
                Indicator = Indicator.H3HighQualityTradeAmount, FromDay = "2024-06-01", ToDay = "2024-06-01", Granularity = Granularity.Day,
            });
            Assert.True(Totals.Parse(series.Points.Single().ValueExact) >= total);
        }
        finally
        {
            await using var connection = new NpgsqlConnection(fixture.ConnectionString);
            await connection.OpenAsync();
            await using var delete = new NpgsqlCommand("delete from trades where exchange_code = @exchange", connection);
            delete.Parameters.AddWithValue("exchange", exchange);
            delete.CommandTimeout = 300;
            await delete.ExecuteNonQueryAsync();
            await Host.Client.RebuildIndicatorsAsync(new RebuildIndicatorsRequest());
        }
    }

    [Fact]
    public async Task ADayOfTokenReportsBeyondInt64IsExact()
    {
        const int reports = 10_000;
        var day = "2001-02-03";
        var model = Events.Unique("m");
        var batch = new ReportTokenUsageBatchRequest();
        batch.Usages.AddRange(Enumerable.Range(0, reports).Select(i => new TokenUsage
        {
            Provider = "exact-totals", Model = $"{model}-{i}", Day = day, Tokens = Quantities.MaxTokens,
        }));
        await Host.Client.ReportTokenUsageBatchAsync(batch);

        var series = await Host.Client.GetIndicatorSeriesAsync(new GetIndicatorSeriesRequest
        {
            Indicator = Indicator.H6DailyTokens, FromDay = day, ToDay = day, Granularity = Granularity.Day,
        });
        var point = series.Points.Single();
        Assert.Equal((reports * (decimal)Quantities.MaxTokens, long.MaxValue), (Totals.Parse(point.ValueExact), point.Value));

        var tooMany = new ReportTokenUsageBatchRequest { Usages = { new TokenUsage { Provider = "exact-totals", Model = model, Day = day, Tokens = Quantities.MaxTokens + 1 } } };
        await GrpcAssert.InvalidField("usages[0].tokens", async () => await Host.Client.ReportTokenUsageBatchAsync(tooMany));
        await GrpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await Host.Client.ReportTrainingCorpusAsync(new ReportTrainingCorpusRequest
        {
            Provider = "exact-totals", Model = model, TotalTokens = long.MaxValue, ChineseTokens = 1, AsOf = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow.AddDays(-1)),
        }));
    }
}
