using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Platform.TokenClient;

namespace Platform.LoadTest.UnitTests;

/// <summary>The callers' token client: one request while the token is fresh, a new one after 80 % of its lifetime.</summary>
public sealed class TokenClientTests
{
    private static readonly ClientCredentials Credentials = new(new Uri("http://identity.test"), "load-test", "secret");

    [Fact]
    public async Task ATokenIsReusedUntilEightyPercentOfItsLifetimeThenRenewed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var server = new TokenEndpoint(expiresIn: 100);
        using var client = new Platform.TokenClient.TokenClient(Credentials, server, time);

        var first = await client.GetTokenAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(79));
        var reused = await client.GetTokenAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(2));
        var renewed = await client.GetTokenAsync(CancellationToken.None);

        Assert.Equal("token-1", first);
        Assert.Equal(first, reused);
        Assert.Equal("token-2", renewed);
        Assert.Equal("grant_type=client_credentials&client_id=load-test&client_secret=secret", server.LastBody);
        Assert.Equal(new Uri("http://identity.test/connect/token"), server.LastUri);
    }

    [Fact]
    public async Task AStillValidTokenIsUsedWhileTheTokenServiceIsDownButNotAfterItExpires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var server = new TokenEndpoint(expiresIn: 100);
        using var client = new Platform.TokenClient.TokenClient(Credentials, server, time);
        var first = await client.GetTokenAsync(CancellationToken.None);

        server.Down = true;
        time.Advance(TimeSpan.FromSeconds(90));
        Assert.Equal(first, await client.GetTokenAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(11));
        await Assert.ThrowsAsync<HttpRequestException>(async () => await client.GetTokenAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ARefusedClientIsReportedWithTheTokenServicesError()
    {
        var server = new TokenEndpoint(expiresIn: 100) { Refuse = true };
        using var client = new Platform.TokenClient.TokenClient(Credentials, server);

        var ex = await Assert.ThrowsAsync<HttpRequestException>(async () => await client.GetTokenAsync(CancellationToken.None));

        Assert.Contains("invalid_client", ex.Message);
        Assert.Contains("load-test", ex.Message);
    }

    private sealed class TokenEndpoint(int expiresIn) : HttpMessageHandler
    {
        private int _issued;

        public bool Down { get; set; }
        public bool Refuse { get; set; }
        public string? LastBody { get; private set; }
        public Uri? LastUri { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Down)
            {
                throw new HttpRequestException("connection refused");
            }

            LastUri = request.RequestUri;
            LastBody = await request.Content!.ReadAsStringAsync(cancellationToken);
            var (status, json) = Refuse
                ? (HttpStatusCode.Unauthorized, """{"error":"invalid_client","error_description":"The client id or secret is not known."}""")
                : (HttpStatusCode.OK, $$"""{"access_token":"token-{{++_issued}}","token_type":"Bearer","expires_in":{{expiresIn}}}""");
            return new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        }
    }
}
