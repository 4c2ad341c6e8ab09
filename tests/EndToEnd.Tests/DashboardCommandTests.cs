using Google.Protobuf.WellKnownTypes;
using Platform.AppHost;
using Platform.Audit.V1;
using Platform.Catalog.V1;
using Platform.Metrics.V1;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// The platform's commands on the dashboard, run as an operator clicking them. (Verifying the figures is run against the
/// national scenario by hand: this platform's records are the other tests', not a scenario's.)
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class DashboardCommandTests(PlatformFixture platform)
{
    [Fact]
    public async Task RebuildRunsTheLoaderOnceAndIsAuditedUnderItsClient()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var before = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(-1));
        var rebuilt = await platform.ExecuteCommandAsync(ResourceNames.Metrics, "rebuild-indicators", timeout.Token);
        Assert.True(rebuilt.Success, rebuilt.Message);

        var metrics = new MetricsService.MetricsServiceClient(platform.Metrics);
        var events = (await metrics.ListAuditEventsAsync(new ListAuditEventsRequest { Method = "RebuildIndicators", ClientId = "scenario-loader", From = before })).Events;
        Assert.Equal("OK", Assert.Single(events).Outcome);
    }

    [Fact]
    public async Task PruneAndClearTheCacheRunTheLoaderAndAreAuditedUnderItsClient()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var before = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(-1));
        var pruned = await platform.ExecuteCommandAsync(ResourceNames.Catalog, "prune-retention", timeout.Token);
        var cleared = await platform.ExecuteCommandAsync(ResourceNames.Metrics, "clear-headline-cache", timeout.Token);
        Assert.True(pruned.Success, pruned.Message);
        Assert.True(cleared.Success, cleared.Message);

        var catalog = new CatalogService.CatalogServiceClient(platform.Catalog);
        var prunes = (await catalog.ListAuditEventsAsync(new ListAuditEventsRequest { Method = "PruneRetention", ClientId = "scenario-loader", From = before })).Events;
        Assert.Equal("OK", Assert.Single(prunes).Outcome);
        var metrics = new MetricsService.MetricsServiceClient(platform.Metrics);
        var clears = (await metrics.ListAuditEventsAsync(new ListAuditEventsRequest { Method = "ClearHeadlineCache", ClientId = "scenario-loader", From = before })).Events;
        Assert.Equal("OK", Assert.Single(clears).Outcome);
    }
}
