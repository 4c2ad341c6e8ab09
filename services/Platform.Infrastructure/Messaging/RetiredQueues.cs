using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Platform.Infrastructure.Messaging;

/// <summary>
/// Deletes the queues (and their exchanges) of consumers a service no longer has. MassTransit declares a consumer's
/// durable queue but never removes it: a queue left by an earlier version stays bound to its event's exchange and would
/// collect every such event for good on a broker whose data outlives the upgrade. Retried until the broker answers;
/// deleting a queue that is not there succeeds, so it runs at every start. A consumer that comes back must leave the list.
/// </summary>
internal sealed partial class RetiredQueues(Uri broker, IReadOnlyList<string> queues, ILogger<RetiredQueues> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await DeleteAsync(broker, queues, stoppingToken);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogRetry(logger, string.Join(", ", queues), ex);
                await Task.Delay(RetryDelay, stoppingToken);
            }
        }
    }

    /// <summary>Deletes each queue and the exchange of the same name (MassTransit binds the event's exchange to it).</summary>
    private static async Task DeleteAsync(Uri broker, IReadOnlyList<string> queues, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { Uri = broker, ClientProvidedName = "retired-queues" };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        foreach (var queue in queues)
        {
            await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false, cancellationToken: cancellationToken);
            await channel.ExchangeDeleteAsync(queue, ifUnused: false, cancellationToken: cancellationToken);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not delete the retired queues {Queues} yet; retrying")]
    private static partial void LogRetry(ILogger logger, string queues, Exception exception);
}
