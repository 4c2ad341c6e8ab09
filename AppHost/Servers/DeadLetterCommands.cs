using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Platform.AppHost.Servers;

/// <summary>
/// Dashboard commands on the local RabbitMQ server for its dead letters (the messages MassTransit moved to a consumer's
/// <c>&lt;queue&gt;_error</c> queue once the consumer's retries were spent): show them, and replay them to their queues.
/// Both run <c>scripts/dead-letters.sh</c>, as an operator would on a shell. A replayed event is consumed again; the
/// consumers' inbox makes that safe (an event already applied is skipped, so nothing counts twice).
/// </summary>
internal static class DeadLetterCommands
{
    private static readonly TimeSpan LongestRun = TimeSpan.FromMinutes(2);

    public static IResourceBuilder<T> WithDeadLetterCommands<T>(this IResourceBuilder<T> server, string root, string dataDirectory, string epmdPort)
        where T : IResource
    {
        var script = new DeadLetterScript(Path.Combine(root, "scripts", "dead-letters.sh"), dataDirectory, epmdPort);
        server.WithCommand("show-dead-letters", "Show dead letters",
            async context =>
            {
                var (exitCode, output) = await script.RunAsync(["list", "--all"], context.CancellationToken);
                if (exitCode != 0)
                {
                    return CommandResults.Failure($"dead-letters.sh list ended with exit code {exitCode}: {output.Trim()}");
                }

                var queues = DeadLetterScript.Parse(output);
                var waiting = queues.Sum(q => q.Messages);
                return CommandResults.Success(
                    $"{waiting:N0} dead letter(s) in {queues.Count(q => q.Messages > 0)} of {queues.Count} error queue(s).",
                    DeadLetterScript.Table(queues), CommandResultFormat.Markdown, displayImmediately: true);
            },
            new CommandOptions
            {
                Description = "Lists every consumer's error queue (<queue>_error) with the messages it holds: events a consumer failed on after its retries.",
                IconName = "MailWarning",
            });

        server.WithCommand("replay-dead-letters", "Replay dead letters",
            async context =>
            {
                var (listed, output) = await script.RunAsync(["list"], context.CancellationToken);
                if (listed != 0)
                {
                    return CommandResults.Failure($"dead-letters.sh list ended with exit code {listed}: {output.Trim()}");
                }

                var queues = DeadLetterScript.Parse(output).Where(q => q.Messages > 0).ToArray();
                var report = new StringBuilder();
                foreach (var queue in queues)
                {
                    var (exitCode, replayed) = await script.RunAsync(["replay", queue.Name], context.CancellationToken);
                    if (exitCode != 0)
                    {
                        return CommandResults.Failure($"Replaying {queue.Name} ended with exit code {exitCode}: {replayed.Trim()}");
                    }

                    report.AppendLine(CultureInfo.InvariantCulture, $"- {queue.Messages:N0} message(s): {replayed.Trim()}");
                }

                return queues.Length == 0
                    ? CommandResults.Success("No dead letters to replay.")
                    : CommandResults.Success($"Replayed {queues.Sum(q => q.Messages):N0} dead letter(s) from {queues.Length} error queue(s).",
                        report.ToString(), CommandResultFormat.Markdown, displayImmediately: true);
            },
            new CommandOptions
            {
                Description = "Moves every error queue's messages back to the queue they came from, to be consumed again. " +
                    "Consumers skip an event they already applied, so a replay never counts anything twice; one that fails again returns to its error queue.",
                ConfirmationMessage = "Replay every dead letter to its consumer now?",
                IconName = "ArrowReply",
            });
        return server;
    }

    private sealed record ErrorQueue(string Name, long Messages, long Consumers);

    private sealed class DeadLetterScript(string path, string dataDirectory, string epmdPort)
    {
        public async Task<(int ExitCode, string Output)> RunAsync(string[] arguments, CancellationToken cancellationToken)
        {
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(path);
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["RABBITMQ_DATA"] = dataDirectory;
            start.Environment["ERL_EPMD_PORT"] = epmdPort;
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {path}.");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(LongestRun);
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return (process.ExitCode, await stdout + await stderr);
        }

        /// <summary>The script's list: one tab-separated line per error queue (name, messages, consumers).</summary>
        public static IReadOnlyList<ErrorQueue> Parse(string listed) =>
            listed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => line.Split('\t'))
                .Where(columns => columns.Length == 3)
                .Select(columns => new ErrorQueue(columns[0],
                    long.Parse(columns[1], CultureInfo.InvariantCulture), long.Parse(columns[2], CultureInfo.InvariantCulture)))
                .ToArray();

        public static string Table(IReadOnlyList<ErrorQueue> queues)
        {
            var table = new StringBuilder("| error queue | messages | replays to |\n|---|---:|---|\n");
            foreach (var queue in queues)
            {
                table.Append(CultureInfo.InvariantCulture, $"| {queue.Name} | {queue.Messages:N0} | {queue.Name[..^"_error".Length]} |\n");
            }

            return queues.Count == 0 ? "No error queue exists yet: no consumer has failed on an event for good." : table.ToString();
        }
    }
}
