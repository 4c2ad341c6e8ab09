using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Platform.AppHost;
using Platform.Testing;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// The whole platform as the app host starts it, with the dashboard on, against the servers ./test.sh started
/// (the app host uses existing servers when their connection strings are configured).
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    private DistributedApplication? _app;

    public string DashboardApiKey { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The app host's data folder for this run: the token service's clients file and signing key go there.</summary>
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("platform-e2e-").FullName;

    /// <summary>The token service's address.</summary>
    public Uri Identity { get; private set; } = null!;

    /// <summary>An administrator's access token, asked for as the README tells an operator to.</summary>
    public string AdminToken { get; private set; } = null!;

    public GrpcChannel Catalog { get; private set; } = null!;
    public GrpcChannel Trading { get; private set; } = null!;
    public GrpcChannel Metrics { get; private set; } = null!;

    /// <summary>The dashboard's telemetry API, authenticated with its API key.</summary>
    public HttpClient Dashboard { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var ct = timeout.Token;
        string[] args =
        [
            $"--ConnectionStrings:{ResourceNames.Postgres}={TestServers.Postgres}",
            $"--ConnectionStrings:{ResourceNames.Redis}={TestServers.Redis(2)}",
            $"--ConnectionStrings:{ResourceNames.RabbitMq}={TestServers.RabbitMq("e2e")}",
            "--Platform:FixedPorts=false",
            "--Platform:LoadScenario=false",
            $"--Platform:DataDirectory={DataDirectory}",
        ];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            new DistributedApplicationTestingBuilderOptions { EnableDashboard = true }, args, ct);
        builder.Configuration["AppHost:DashboardApiKey"] = DashboardApiKey;

        _app = await builder.BuildAsync(ct);
        await _app.StartAsync(ct);
        foreach (var service in new[] { ResourceNames.Identity, ResourceNames.Catalog, ResourceNames.Trading, ResourceNames.Metrics })
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(service, ct);
        }

        Identity = _app.GetEndpoint(ResourceNames.Identity, ResourceNames.HttpEndpoint);
        AdminToken = await TokenAsync("admin", ct);
        Catalog = Channel(ResourceNames.Catalog, AdminToken);
        Trading = Channel(ResourceNames.Trading, AdminToken);
        Metrics = Channel(ResourceNames.Metrics, AdminToken);

        var login = await _app.GetDashboardUrlAsync(ct);
        Dashboard = new HttpClient { BaseAddress = new Uri(login.GetLeftPart(UriPartial.Authority)) };
        Dashboard.DefaultRequestHeaders.Add("X-API-Key", DashboardApiKey);
    }

    /// <summary>
    /// A client-credentials token for <paramref name="clientId"/>, its secret read from the generated clients file:
    /// <c>curl -d grant_type=client_credentials -d client_id=… -d client_secret=… http://127.0.0.1:5041/connect/token</c>.
    /// </summary>
    public async Task<string> TokenAsync(string clientId, CancellationToken cancellationToken)
    {
        var secret = await ClientSecretAsync(clientId, cancellationToken);
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(Identity, "connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        }), cancellationToken);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return body.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>The secret of the token service's client <paramref name="clientId"/>, from the generated clients file.</summary>
    public async Task<string> ClientSecretAsync(string clientId, CancellationToken cancellationToken)
    {
        using var clients = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(DataDirectory, "identity", "clients.json"), cancellationToken));
        return clients.RootElement.GetProperty("Clients").GetProperty(clientId).GetProperty("Secret").GetString()!;
    }

    /// <summary>The address of <paramref name="service"/>'s gRPC endpoint.</summary>
    public Uri GrpcEndpoint(string service) => _app!.GetEndpoint(service, ResourceNames.GrpcEndpoint);

    /// <summary>A channel to <paramref name="service"/>'s gRPC endpoint sending <paramref name="token"/> (none when null).</summary>
    public GrpcChannel Channel(string service, string? token) => GrpcChannel.ForAddress(
        GrpcEndpoint(service),
        new GrpcChannelOptions { HttpHandler = TestTokens.WithToken(new SocketsHttpHandler(), token) });

    /// <summary>Runs a dashboard command of <paramref name="resource"/>, as an operator clicking it would.</summary>
    public Task<ExecuteCommandResult> ExecuteCommandAsync(string resource, string command, CancellationToken cancellationToken) =>
        _app!.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resource, command, cancellationToken);

    public async Task DisposeAsync()
    {
        Dashboard?.Dispose();
        Catalog?.Dispose();
        Trading?.Dispose();
        Metrics?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Directory.Delete(DataDirectory, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}
