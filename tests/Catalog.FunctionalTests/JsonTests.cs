using System.Net;
using System.Text.Json;
using Platform.Testing;

namespace Platform.Catalog.FunctionalTests;

/// <summary>Catalog's JSON routes (gRPC JSON transcoding): the same handlers, rights and statuses as over gRPC.</summary>
[Collection(CatalogCollection.Name)]
public sealed class JsonTests(CatalogFixture fixture)
{
    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? token, string? json = null)
    {
        using var http = fixture.RawHttp(token);
        return await JsonRoute.SendAsync(http, fixture.BaseAddress, method, path, json);
    }

    [Fact]
    public async Task ADatasetIsRegisteredReadAndRefusedAsJson()
    {
        var register = $$"""
            {"requestId":"{{Guid.NewGuid()}}","name":"胸部CT","domain":"DOMAIN_HEALTHCARE","modality":"MODALITY_IMAGE","provider":{"organisation":"某医院"},"volumeBytes":"1000000000000000000"}
            """;
        var (created, dataset) = await SendAsync(HttpMethod.Post, "/v1/datasets", TestTokens.Admin, register);
        Assert.True(created == HttpStatusCode.OK, dataset.ToString());
        var id = dataset.GetProperty("id").GetString();

        var (read, again) = await SendAsync(HttpMethod.Get, $"/v1/datasets/{id}", TestTokens.Admin);
        Assert.Equal((HttpStatusCode.OK, "胸部CT", "1000000000000000000"), (read, again.GetProperty("name").GetString(), again.GetProperty("volumeBytes").GetString()));

        var (invalid, status) = await SendAsync(HttpMethod.Get, "/v1/datasets/not-a-uuid", TestTokens.Admin);
        Assert.Equal((HttpStatusCode.BadRequest, "id"), (invalid, JsonRoute.FirstViolatedField(status)));
        var (missing, _) = await SendAsync(HttpMethod.Get, $"/v1/datasets/{Guid.NewGuid()}", TestTokens.Admin);
        Assert.Equal(HttpStatusCode.NotFound, missing);
        var (anonymous, refusal) = await SendAsync(HttpMethod.Post, $"/v1/datasets/{id}:certify", null, "{}");
        Assert.Equal((HttpStatusCode.Unauthorized, 16), (anonymous, refusal.GetProperty("code").GetInt32()));
    }
}
