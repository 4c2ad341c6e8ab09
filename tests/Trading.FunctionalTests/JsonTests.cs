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
}
