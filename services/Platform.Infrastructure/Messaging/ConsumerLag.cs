using System.Diagnostics.Metrics;
using MassTransit;
using Platform.Infrastructure.Telemetry;

namespace Platform.Infrastructure.Messaging;

/// <summary>
/// <c>platform.&lt;service&gt;.consumer_lag</c>: for every event this service consumed, the time from its commit to the
/// end of its consumption, by message type. The outbox id is the message id and a version 7 UUID, whose first 48 bits
/// are the milliseconds at which the writing transaction enqueued it.
/// </summary>
internal sealed class ConsumerLagObserver(ServiceMeter meter, TimeProvider time) : IConsumeObserver
{
    private readonly Histogram<double> _lag = meter.Histogram("consumer_lag", "s",
        "From an event's commit (its outbox id's time) to the end of its consumption here, by message type (messaging.message.type)",
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]);

    public Task PreConsume<T>(ConsumeContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context)
        where T : class
    {
        if (context.MessageId is { } id && Postgres.UuidV7.TimestampOf(id) is { } written)
        {
            _lag.Record(Math.Max(0, (time.GetUtcNow() - written).TotalSeconds), new KeyValuePair<string, object?>("messaging.message.type", typeof(T).Name));
        }

        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;
}
