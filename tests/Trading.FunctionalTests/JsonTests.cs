using System.Net;
using System.Text.Json;
using Platform.Testing;

namespace Platform.Trading.FunctionalTests;

/// <summary>Trading's JSON routes (gRPC JSON transcoding): the same handlers, rights, statuses and write promise as over gRPC.</summary>
[Collection(TradingCollection.Name)]
public sealed class JsonTests(TradingFixture fixture)
{
    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? token, string? json = null)
    {
        using var http = fixture.RawHttp(token);
        return await JsonRoute.SendAsync(http, fixture.BaseAddress, method, path, json);
    }

    [Fact]
    public async Task ATradeIsPlacedRetriedAndReadAsJson()
    {
        var listing = await fixture.NewOtherListingAsync((await fixture.NewExchangeAsync()).Code);
        var place = $$"""{"requestId":"{{Guid.NewGuid()}}","listingId":"{{listing.Id}}","type":"TRADE_TYPE_PURCHASE","amountFen":"12345","buyer":"某公司"}""";

        var (placed, trade) = await SendAsync(HttpMethod.Post, "/v1/trades", TestTokens.Admin, place);
        Assert.True(placed == HttpStatusCode.OK, trade.ToString());
        var (retried, again) = await SendAsync(HttpMethod.Post, "/v1/trades", TestTokens.Admin, place);
        Assert.Equal((HttpStatusCode.OK, trade.GetProperty("id").GetString()), (retried, again.GetProperty("id").GetString()));

        var (changed, refusal) = await SendAsync(HttpMethod.Post, "/v1/trades", TestTokens.Admin, place.Replace("12345", "99", StringComparison.Ordinal));
        Assert.Equal((HttpStatusCode.Conflict, 6), (changed, refusal.GetProperty("code").GetInt32()));

        var (read, stored) = await SendAsync(HttpMethod.Get, $"/v1/trades/{trade.GetProperty("id").GetString()}", TestTokens.Admin);
        Assert.Equal((HttpStatusCode.OK, "12345"), (read, stored.GetProperty("amountFen").GetString()));
        var (paid, payment) = await SendAsync(HttpMethod.Post, $"/v1/trades/{trade.GetProperty("id").GetString()}:confirmPayment", TestTokens.Admin,
            $$"""{"requestId":"{{Guid.NewGuid()}}"}""");
        Assert.Equal((HttpStatusCode.OK, "TRADE_STATUS_PAID"), (paid, payment.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task TheOpenApiDocumentAndPageArePublic()
    {
        var (status, document) = await SendAsync(HttpMethod.Get, "/swagger/v1/swagger.json", null);
        Assert.Equal(HttpStatusCode.OK, status);
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v1/trades", out var trades) && trades.TryGetProperty("post", out _), paths.ToString()[..Math.Min(500, paths.ToString().Length)]);
        Assert.Contains("/v1/trades/{tradeId}:settle", paths.EnumerateObject().Select(p => p.Name));

        using var http = fixture.RawHttp(null);
        using var page = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.BaseAddress, "/swagger/index.html")), CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        // Everything else still needs what its method needs.
        var (anonymous, _) = await SendAsync(HttpMethod.Post, "/v1/trades", null, "{}");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
    }
}
