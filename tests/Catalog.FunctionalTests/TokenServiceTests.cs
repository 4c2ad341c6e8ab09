extern alias identity;
extern alias catalog;
using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Platform.Catalog.V1;
using Platform.Testing;
using IdentityProgram = identity::Program;
using CatalogProgram = catalog::Program;

namespace Platform.Catalog.FunctionalTests;

/// <summary>
/// The real token service (OpenIddict) in-process: a client-credentials POST gets a JWT that the catalog, configured
/// with the token service as authority (discovery document and JWKS), accepts with the client's rights.
/// </summary>
[Collection(CatalogCollection.Name)]
public sealed class TokenServiceTests(CatalogFixture fixture) : IAsyncLifetime
{
    private const string Authority = "http://localhost/";
    private readonly string _data = Directory.CreateTempSubdirectory("identity-tests-").FullName;
    private WebApplicationFactory<IdentityProgram> _identity = null!;

    public Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_data, "clients.json"), """
            {"Clients": {
              "huaxi": {"Secret": "huaxi-secret", "Roles": ["provider"], "Organisation": "四川大学华西医院"},
              "bj": {"Secret": "bj-secret", "Roles": ["exchange"], "Exchange": "BJ"}
            }}
            """);
        _identity = Identity();
        return Task.CompletedTask;
    }

    private WebApplicationFactory<IdentityProgram> Identity() => new WebApplicationFactory<IdentityProgram>().WithWebHostBuilder(host => host
        .UseSetting("Identity:DataPath", _data)
        .UseSetting("Identity:Issuer", Authority));

    [Fact]
    public async Task AClientCredentialsTokenIsAcceptedByTheCatalogWithTheClientsRights()
    {
        var token = await TokenAsync(_identity, "huaxi", "huaxi-secret");
        await using var catalog = Catalog(_identity);
        using var channel = GrpcChannel.ForAddress(catalog.Server.BaseAddress, new GrpcChannelOptions
        {
            HttpHandler = TestTokens.WithToken(catalog.Server.CreateHandler(), token),
        });
        var client = new CatalogService.CatalogServiceClient(channel);

        var registered = await client.RegisterDatasetAsync(Datasets.ChestCt());
        var denied = await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () =>
            await client.CertifyDatasetAsync(new CertifyDatasetRequest { RequestId = Guid.NewGuid().ToString(), Id = registered.Id }));

        Assert.Equal("四川大学华西医院", registered.Provider.Organisation);
        Assert.Contains("huaxi", denied.Status.Detail);
    }

    [Fact]
    public async Task TokensOutliveARestartOfTheTokenService()
    {
        var token = await TokenAsync(_identity, "bj", "bj-secret");
        await _identity.DisposeAsync();
        _identity = Identity();
        await using var catalog = Catalog(_identity);
        using var channel = GrpcChannel.ForAddress(catalog.Server.BaseAddress, new GrpcChannelOptions
        {
            HttpHandler = TestTokens.WithToken(catalog.Server.CreateHandler(), token),
        });

        // Signed with the persisted key, so the restarted service's JWKS still validates it: PERMISSION_DENIED, not UNAUTHENTICATED.
        await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () =>
            await new CatalogService.CatalogServiceClient(channel).RegisterDatasetAsync(Datasets.ChestCt()));
    }

    [Fact]
    public async Task AWrongSecretOrAnotherGrantIsRefused()
    {
        using var http = _identity.CreateClient();

        using var wrongSecret = await http.PostAsync("connect/token", Form(("grant_type", "client_credentials"), ("client_id", "bj"), ("client_secret", "nope")));
        using var password = await http.PostAsync("connect/token", Form(("grant_type", "password"), ("client_id", "bj"), ("client_secret", "bj-secret"), ("username", "u"), ("password", "p")));

        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
        Assert.Contains("invalid_client", await wrongSecret.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, password.StatusCode);
        Assert.Contains("unsupported_grant_type", await password.Content.ReadAsStringAsync());
    }

    private WebApplicationFactory<CatalogProgram> Catalog(WebApplicationFactory<IdentityProgram> identity) =>
        new WebApplicationFactory<CatalogProgram>().WithWebHostBuilder(host => host
            .UseSetting("ConnectionStrings:catalogdb", fixture.ConnectionString)
            .UseSetting("ConnectionStrings:rabbitmq", TestServers.RabbitMq("catalog"))
            .UseSetting("Identity:Authority", Authority)
            .ConfigureTestServices(services => services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
                // The discovery document and JWKS are fetched from the in-process token service.
                options.BackchannelHttpHandler = identity.Server.CreateHandler())));

    private static async Task<string> TokenAsync(WebApplicationFactory<IdentityProgram> identity, string clientId, string secret)
    {
        using var http = identity.CreateClient();
        using var response = await http.PostAsync("connect/token", Form(("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret)));
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Bearer", body.RootElement.GetProperty("token_type").GetString());
        return body.RootElement.GetProperty("access_token").GetString()!;
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));

    public async Task DisposeAsync()
    {
        await _identity.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }
}
