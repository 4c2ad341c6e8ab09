using System.Net;
using System.Text.Json;
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
