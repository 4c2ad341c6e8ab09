using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Platform.Infrastructure.Retention;

/// <summary>
/// Runs <see cref="RetentionPruner.PruneAsync"/> at start and then every <see cref="RetentionOptions.Interval"/> of real
/// time (the cut-offs follow the service's <see cref="TimeProvider"/>; a test clock moved by days must not fire passes).
/// </summary>
internal sealed partial class RetentionService(RetentionPruner pruner, IOptions<RetentionOptions> options, ILogger<RetentionService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var table in await pruner.PruneAsync(stoppingToken))
                {
                    if (table.Deleted > 0)
                    {
                        LogPruned(logger, table.Table, table.Deleted, table.Rows);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                LogPruneFailed(logger, ex);
            }

            await Task.Delay(options.Value.Interval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    [LoggerMessage(LogLevel.Information, "Retention pruned {Deleted} rows of {Table}; {Rows} remain")]
    private static partial void LogPruned(ILogger logger, string table, long deleted, long rows);

    [LoggerMessage(LogLevel.Warning, "Retention pass failed; retrying at the next interval")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}

public static class RetentionExtensions
{
    /// <summary>
    /// Prunes the outbox, the inbox, the write path's request ids and the audit trail by age (section
    /// <c>Retention</c>, see <see cref="RetentionOptions"/>) in a background service; <see cref="RetentionPruner"/> can
    /// be resolved to prune on demand. Register after <c>AddPostgres</c>.
    /// </summary>
    public static IHostApplicationBuilder AddRetention(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RetentionOptions>()
            .BindConfiguration(RetentionOptions.SectionName)
            .Validate(o => o.RequestIds > TimeSpan.Zero && o.Inbox > TimeSpan.Zero && o.PublishedOutbox > TimeSpan.Zero && o.AuditEvents > TimeSpan.Zero,
                "Retention windows must be positive")
            .Validate(o => o.Interval > TimeSpan.Zero && o.BatchSize > 0, "Retention:Interval and Retention:BatchSize must be positive")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => new RetentionPruner(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<IOptions<RetentionOptions>>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        builder.Services.AddHostedService<RetentionService>();
        return builder;
    }
}
