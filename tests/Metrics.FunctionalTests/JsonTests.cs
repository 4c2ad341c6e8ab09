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
}
