using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.AppHost;

/// <summary>Prints every resource's state and health changes to the console, for operators and CI logs.</summary>
internal sealed partial class ResourceStateLogger(ResourceNotificationService notifications, ILogger<ResourceStateLogger> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var last = new Dictionary<string, string>();
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                var state = update.Snapshot.State?.Text ?? "Unknown";
                var health = update.Snapshot.HealthStatus?.ToString() ?? "-";
                var summary = $"{state}/{health}";
                if (last.TryGetValue(update.ResourceId, out var previous) && previous == summary)
                {
                    continue;
                }

                last[update.ResourceId] = summary;
                LogState(logger, update.Resource.Name, state, health);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(LogLevel.Information, "resource {Resource}: {State} (health: {Health})")]
    private static partial void LogState(ILogger logger, string resource, string state, string health);
}
