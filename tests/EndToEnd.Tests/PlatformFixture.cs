using Aspire.Hosting;
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
        ];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            new DistributedApplicationTestingBuilderOptions { EnableDashboard = true }, args, ct);
        builder.Configuration["AppHost:DashboardApiKey"] = DashboardApiKey;

        _app = await builder.BuildAsync(ct);
        await _app.StartAsync(ct);
        foreach (var service in new[] { ResourceNames.Catalog, ResourceNames.Trading, ResourceNames.Metrics })
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(service, ct);
        }

        Catalog = GrpcChannel.ForAddress(_app.GetEndpoint(ResourceNames.Catalog, ResourceNames.GrpcEndpoint));
        Trading = GrpcChannel.ForAddress(_app.GetEndpoint(ResourceNames.Trading, ResourceNames.GrpcEndpoint));
        Metrics = GrpcChannel.ForAddress(_app.GetEndpoint(ResourceNames.Metrics, ResourceNames.GrpcEndpoint));

        var login = await _app.GetDashboardUrlAsync(ct);
        Dashboard = new HttpClient { BaseAddress = new Uri(login.GetLeftPart(UriPartial.Authority)) };
        Dashboard.DefaultRequestHeaders.Add("X-API-Key", DashboardApiKey);
    }

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
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}
