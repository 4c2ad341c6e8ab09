using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.AppHost;

/// <summary>
/// The platform's own commands on the dashboard. Each runs the scenario loader resource once with the arguments of the
/// command (its console log on the dashboard shows the output: the headline table, the verification) and succeeds or
/// fails as the loader exits: loading the national scenario (seed), verifying the figures, rebuilding the indicators,
/// clearing the headline cache, pruning a service's expired bookkeeping rows now.
/// </summary>
internal static class DashboardCommands
{
    /// <summary>The loader's arguments for its next start: none for the automatic load at startup.</summary>
    private sealed class NextRun
    {
        public string[] Arguments { get; set; } = [];

        /// <summary>One command at a time runs the loader (a second would change the first's arguments).</summary>
        public SemaphoreSlim Gate { get; } = new(1, 1);
    }

    private static readonly TimeSpan LongestRun = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The loader's commands; on <paramref name="metrics"/> those that rebuild its indicators and clear its cache, and on
    /// each of the <paramref name="writers"/> the one that prunes its bookkeeping tables (all through the loader).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithLoaderCommands(
        this IResourceBuilder<ProjectResource> loader, IResourceBuilder<ProjectResource> metrics, IReadOnlyList<IResourceBuilder<ProjectResource>> writers)
    {
        var next = new NextRun();
        loader.WithArgs(context =>
        {
            foreach (var argument in next.Arguments)
            {
                context.Args.Add(argument);
            }
        });

        loader.WithCommand("load-scenario", "Load the national scenario",
            context =>
            {
                var seed = context.Arguments?["seed"]?.Value is { Length: > 0 } given ? given : "42";
                var scale = context.Arguments?["scale"]?.Value is { Length: > 0 } times ? times : "1";
                if (!int.TryParse(seed, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    return Task.FromResult(CommandResults.Failure($"The seed must be a whole number, not '{seed}'."));
                }

                return int.TryParse(scale, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 10
                    ? RunAsync(loader.Resource, next, ["--seed", seed, "--scale", scale], context)
                    : Task.FromResult(CommandResults.Failure($"The scale must be a whole number from 1 to 10, not '{scale}'."));
            },
            new CommandOptions
            {
                Description = "Loads the national scenario through the public gRPC APIs (datasets, listings, trades, token usage, corpora), " +
                    "then prints the headline table and verifies it. Writes are idempotent by request id: loading a seed again adds nothing.",
                ConfirmationMessage = "Load the national scenario into this platform? Its records become part of the national figures.",
                IconName = "ArrowUpload",
                Arguments =
                [
                    new InteractionInput { Name = "seed", Label = "Seed", InputType = InputType.Number, Value = "42", Description = "The scenario's random seed (42: the article's)." },
                    new InteractionInput
                    {
                        Name = "scale", Label = "Scale", InputType = InputType.Number, Value = "1",
                        Description = "How many times the nation, 1 to 10 (10: ≈ 352,000 datasets). Another scale's records are other records: load it into an empty platform.",
                    },
                ],
            });

        loader.WithCommand("verify-figures", "Verify the figures",
            context => RunAsync(loader.Resource, next, ["--verify"], context),
            new CommandOptions
            {
                Description = "Recomputes H1–H8 from the list APIs and compares them with the headline (the loader's --verify): succeeds when every figure agrees.",
                IconName = "CheckmarkCircle",
            });
        metrics.WithCommand("rebuild-indicators", "Rebuild the indicators",
            context => RunAsync(loader.Resource, next, ["--rebuild"], context),
            new CommandOptions
            {
                Description = "Recomputes every headline indicator from metrics' records (RebuildIndicators, as the scenario loader's client) " +
                    "and clears and refills the headline cache.",
                ConfirmationMessage = "Rebuild the indicators from the records now? Readers get the rebuilt figures; the records are unchanged.",
                IconName = "ArrowSync",
            });
        metrics.WithCommand("clear-headline-cache", "Clear the headline cache",
            context => RunAsync(loader.Resource, next, ["--clear-cache"], context),
            new CommandOptions
            {
                Description = "Drops every cached figure (each replica's memory and Redis) without recomputing (ClearHeadlineCache): " +
                    "the next read computes the headline from metrics' records.",
                ConfirmationMessage = "Clear the headline cache? The next reads compute the figures afresh (slower until the cache is filled again).",
                IconName = "Delete",
            });
        foreach (var writer in writers)
        {
            var service = writer.Resource.Name;
            writer.WithCommand("prune-retention", "Prune expired rows now",
                context => RunAsync(loader.Resource, next, ["--prune", service], context),
                new CommandOptions
                {
                    Description = $"Deletes {service}'s expired bookkeeping rows now (PruneRetention), as its background pruner does every hour: " +
                        "published outbox rows, processed message ids, request ids past 7 days, audit events past their window. " +
                        "The scenario loader's console log shows each table's deleted and remaining rows.",
                    ConfirmationMessage = $"Delete {service}'s expired outbox, inbox, request-id and audit rows now?",
                    IconName = "Broom",
                });
        }

        return loader;
    }

    private static async Task<ExecuteCommandResult> RunAsync(ProjectResource loader, NextRun next, string[] arguments, ExecuteCommandContext context)
    {
        var notifications = context.Services.GetRequiredService<ResourceNotificationService>();
        var commands = context.Services.GetRequiredService<ResourceCommandService>();
        if (!await next.Gate.WaitAsync(TimeSpan.Zero, context.CancellationToken))
        {
            return CommandResults.Failure("Another command is running the scenario loader: try again when it has finished.");
        }

        next.Arguments = arguments;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(LongestRun);

        try
        {
            // Watch from before the start, so the run's own Running → Finished is seen, not the previous run's state.
            var watching = WaitForRunAsync(notifications, loader.Name, timeout.Token);
            var started = await commands.ExecuteCommandAsync(loader, KnownResourceCommands.StartCommand, timeout.Token);
            if (!started.Success)
            {
                return CommandResults.Failure($"The scenario loader did not start: {started.Message}");
            }

            var exitCode = await watching;
            return exitCode == 0
                ? CommandResults.Success()
                : CommandResults.Failure($"The scenario loader ended with exit code {exitCode}: see its console log.");
        }
        finally
        {
            // A later start (the dashboard's own Start or Restart) loads with the defaults again.
            next.Arguments = [];
            next.Gate.Release();
        }
    }

    private static async Task<int?> WaitForRunAsync(ResourceNotificationService notifications, string name, CancellationToken cancellationToken)
    {
        var running = false;
        await foreach (var update in notifications.WatchAsync(cancellationToken))
        {
            if (update.Resource.Name != name)
            {
                continue;
            }

            var state = update.Snapshot.State?.Text;
            running |= state == KnownResourceStates.Running;
            if (running && KnownResourceStates.TerminalStates.Contains(state))
            {
                return update.Snapshot.ExitCode;
            }
        }

        return null;
    }
}
