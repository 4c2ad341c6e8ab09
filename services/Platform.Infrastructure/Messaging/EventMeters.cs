using System.Diagnostics.Metrics;
using MassTransit;
using Platform.Infrastructure.Telemetry;

namespace Platform.Infrastructure.Messaging;

/// <summary>
/// The events a service publishes and consumes, on its own meter: <c>platform.&lt;service&gt;.events.published</c> (by the
/// outbox relay, once the broker confirmed them), <c>events.consumed</c>, <c>events.retried</c> and
/// <c>events.dead_lettered</c> per consumer (its queue, <c>messaging.destination.name</c>), and
/// <c>consumer_lag</c>: from an event's commit to the end of its consumption. The outbox id is the message id and a
/// version 7 UUID, whose first 48 bits are the milliseconds at which the writing transaction enqueued it.
/// </summary>
public sealed class EventMeters(ServiceMeter meter, TimeProvider time) : IConsumeObserver, IRetryObserver
{
    private const string MessageType = "messaging.message.type";
    private const string Consumer = "messaging.destination.name";

    private readonly Counter<long> _published = meter.Counter("events.published", "{event}",
        "Events the outbox relay published and the broker confirmed, by message type (messaging.message.type)");
    private readonly Counter<long> _consumed = meter.Counter("events.consumed", "{event}",
        "Events a consumer consumed (committed), by consumer queue (messaging.destination.name) and message type");
    private readonly Counter<long> _retried = meter.Counter("events.retried", "{attempt}",
        "Failed consumption attempts that are retried, by consumer queue (messaging.destination.name)");
    private readonly Counter<long> _deadLettered = meter.Counter("events.dead_lettered", "{event}",
        "Events a consumer failed on after its retries, moved to its <queue>_error queue, by consumer queue and message type");
    private readonly Histogram<double> _lag = meter.Histogram("consumer_lag", "s",
        "From an event's commit (its outbox id's time) to the end of its consumption here, by message type (messaging.message.type)",
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]);

    public void Published(string messageType, int count) =>
        _published.Add(count, new KeyValuePair<string, object?>(MessageType, messageType));

    public Task PreConsume<T>(ConsumeContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context)
        where T : class
    {
        _consumed.Add(1, new(Consumer, QueueOf(context)), new(MessageType, typeof(T).Name));
        if (context.MessageId is { } id && Postgres.UuidV7.TimestampOf(id) is { } written)
        {
            _lag.Record(Math.Max(0, (time.GetUtcNow() - written).TotalSeconds), new KeyValuePair<string, object?>(MessageType, typeof(T).Name));
        }

        return Task.CompletedTask;
    }

    /// <summary>Called once per delivery, after the endpoint's retries are spent: the message goes to the error queue.</summary>
    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
        where T : class
    {
        _deadLettered.Add(1, new(Consumer, QueueOf(context)), new(MessageType, typeof(T).Name));
        return Task.CompletedTask;
    }

    public Task PostCreate<T>(RetryPolicyContext<T> context)
        where T : class, PipeContext => Task.CompletedTask;

    /// <summary>A failed attempt that the retry policy will try again.</summary>
    public Task PostFault<T>(RetryContext<T> context)
        where T : class, PipeContext
    {
        _retried.Add(1, new KeyValuePair<string, object?>(Consumer, context.Context is ConsumeContext consume ? QueueOf(consume) : "unknown"));
        return Task.CompletedTask;
    }

    public Task PreRetry<T>(RetryContext<T> context)
        where T : class, PipeContext => Task.CompletedTask;

    public Task RetryFault<T>(RetryContext<T> context)
        where T : class, PipeContext => Task.CompletedTask;

    public Task RetryComplete<T>(RetryContext<T> context)
        where T : class, PipeContext => Task.CompletedTask;

    /// <summary>The consumer's queue: the last segment of the endpoint's address (<c>metrics-dataset-certified</c>).</summary>
    private static string QueueOf(ConsumeContext context) =>
        context.ReceiveContext?.InputAddress is { } address ? address.Segments[^1].TrimEnd('/') : "unknown";
}
