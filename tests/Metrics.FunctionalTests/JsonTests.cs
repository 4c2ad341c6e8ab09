using System.Net;
using System.Text.Json;
using Platform.Metrics.V1;
using Platform.Testing;

namespace Platform.Metrics.FunctionalTests;

/// <summary>The JSON routes (gRPC JSON transcoding): the same methods, access rules and statuses as over gRPC.</summary>
[Collection(MetricsCollection.Name)]
public sealed class JsonTests(MetricsFixture fixture)
{
    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? token, string? json = null)
    {
        using var http = fixture.Host.RawHttp(token);
        return await JsonRoute.SendAsync(http, fixture.Host.BaseAddress, method, path, json);
    }

    [Fact]
    public async Task AWriteWithoutATokenIsUnauthenticatedWithAStatusBody()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/v1/indicators:rebuild", null, "{}");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(16, body.GetProperty("code").GetInt32());
        Assert.Contains("'admin'", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task AnInvalidReportIsBadRequestWithItsFieldViolation()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/v1/tokenUsage:batchReport", TestTokens.Admin,
            """{"usages":[{"provider":"p","model":"m","day":"not a day","tokens":"1"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(3, body.GetProperty("code").GetInt32());
        Assert.Equal("usages[0].day", JsonRoute.FirstViolatedField(body));
    }

    [Fact]
    public async Task AMalformedBodyIsBadRequest()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/v1/tokenUsage:batchReport", TestTokens.Admin, """{"usages": [ {""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(3, body.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task TheHeadlineIsPublicJson()
    {
        var (status, body) = await SendAsync(HttpMethod.Get, "/v1/headline", null);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.TryGetProperty("h1CertifiedDatasets", out _), body.ToString());
    }

    [Fact]
    public async Task ASeriesAskedForAsCsvIsOneRowPerPeriodWithTheValuesOfTheGrpcAnswer()
    {
        const string Day = "2011-03-09";
        await fixture.Host.Client.ReportTokenUsageBatchAsync(new ReportTokenUsageBatchRequest
        {
            Usages = { new TokenUsage { Provider = Events.Unique("csv"), Model = "m", Day = Day, Tokens = 1_234 } },
        });
        var request = new GetIndicatorSeriesRequest { Indicator = Indicator.H6DailyTokens, FromDay = "2011-03-08", ToDay = "2011-03-10", Granularity = Granularity.Day };
        var series = await fixture.Host.Client.GetIndicatorSeriesAsync(request);

        using var http = fixture.Host.RawHttp(null);
        using var ask = new HttpRequestMessage(HttpMethod.Get,
            new Uri(fixture.Host.BaseAddress, "/v1/indicatorSeries?indicator=INDICATOR_H6_DAILY_TOKENS&fromDay=2011-03-08&toDay=2011-03-10&granularity=GRANULARITY_DAY"));
        ask.Headers.Accept.ParseAdd("text/csv");
        using var response = await http.SendAsync(ask, CancellationToken.None);
        var rows = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("indicator,granularity,period_start,value,unit,record_count,as_of", rows[0]);
        Assert.Equal(series.Points.Count, rows.Length - 1);
        var reported = rows.Single(r => r.Split(',')[2] == Day).Split(',');
        var point = series.Points.Single(p => p.PeriodStart == Day);
        Assert.Equal(["INDICATOR_H6_DAILY_TOKENS", "GRANULARITY_DAY", Day, point.ValueExact.Value, series.Unit, point.RecordCount.ToString(System.Globalization.CultureInfo.InvariantCulture)], reported[..6]);
        Assert.True(point.Value >= 1_234);
    }

    [Fact]
    public async Task AnInvalidSeriesAskedForAsCsvIsStillABadRequestWithAStatusBody()
    {
        using var http = fixture.Host.RawHttp(null);
        using var ask = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Host.BaseAddress, "/v1/indicatorSeries?indicator=INDICATOR_H6_DAILY_TOKENS&fromDay=never"));
        ask.Headers.Accept.ParseAdd("text/csv");
        using var response = await http.SendAsync(ask, CancellationToken.None);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(3, body.RootElement.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task WatchingTheHeadlineIsAStreamOfJsonObjects()
    {
        using var http = fixture.Host.RawHttp(null);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Host.BaseAddress, "/v1/headline:watch"));
        using var response = await http.SendAsync(request, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The first snapshot arrives at once; the stream stays open for the next (read one object, then leave).
        var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
        var buffer = new byte[256 * 1024];
        var read = 0;
        JsonElement? first = null;
        while (first is null)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), timeout.Token);
            Assert.True(n > 0, "the stream ended before its first snapshot");
            read += n;
            var reader = new Utf8JsonReader(buffer.AsSpan(0, read), isFinalBlock: false, state: default);
            if (JsonDocument.TryParseValue(ref reader, out var document))
            {
                first = document.RootElement.Clone();
                document.Dispose();
            }
        }

        Assert.True(first.Value.TryGetProperty("h1CertifiedDatasets", out _), first.Value.ToString());
    }
}
