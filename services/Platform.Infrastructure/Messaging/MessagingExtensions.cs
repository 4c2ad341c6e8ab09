using MassTransit;
using Npgsql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Platform.Infrastructure.Outbox;

namespace Platform.Infrastructure.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// MassTransit over RabbitMQ (<c>ConnectionStrings:{connectionName}</c>, an amqp:// URI), the transactional
    /// outbox and its relay. Queues are named after the service and the consumer, so every service receives
    /// its own copy of each event. Register after <c>AddPostgres</c>.
    /// </summary>
    public static IHostApplicationBuilder AddMessaging(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<IBusRegistrationConfigurator>? configureConsumers = null)
    {
        var address = Broker(builder, connectionName);
        var serviceName = builder.Environment.ApplicationName.ToLowerInvariant();

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, includeNamespace: false));
            configureConsumers?.Invoke(bus);
            bus.AddConsumeObserver(services => services.GetRequiredService<EventMeters>());
            bus.AddConfigureEndpointsCallback((registration, _, endpoint) =>
            {
                // MassTransit's defaults, stated so they cannot drift: queues (and their exchanges) survive a broker
                // restart, and a consumer's queue outlives the consumer's connection.
                if (endpoint is IRabbitMqReceiveEndpointConfigurator queue)
                {
                    queue.Durable = true;
                    queue.AutoDelete = false;
                }

                // Any failure is retried a few times in place (the consumer's transaction, inbox row included, was
                // rolled back) before the message is faulted to the error queue. A database that is unreachable is
                // retried without limit: giving up would drop an event for good while the store is merely restarting.
                var meters = registration.GetRequiredService<EventMeters>();
                endpoint.UseMessageRetry(retry =>
                {
                    retry.Intervals(100, 500, 2_000, 5_000);
                    retry.ConnectRetryObserver(meters);
                });
                endpoint.UseMessageRetry(retry =>
                {
                    retry.ConnectRetryObserver(meters);
                    retry.Handle<NpgsqlException>(ex => ex.IsTransient);
                    retry.Handle<TimeoutException>();
                    retry.Exponential(int.MaxValue, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1));
                });
            });
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(address, host =>
                {
                    // A publish completes only when the broker has confirmed it (for a persistent message: written to
                    // disk); the outbox relay marks a row published only after that.
                    host.PublisherConfirmation = true;
                    var userInfo = address.UserInfo.Split(':', 2);
                    if (userInfo[0].Length > 0)
                    {
                        host.Username(Uri.UnescapeDataString(userInfo[0]));
                        host.Password(userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : string.Empty);
                    }
                });
                rabbit.ConfigureEndpoints(context);
            });
        });

        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<Outbox.Outbox>();
        builder.Services.AddSingleton<OutboxBacklog>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(services => new Telemetry.ServiceMeter(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), serviceName));
        builder.Services.AddSingleton<Writes.WriteMeters>();
        builder.Services.AddSingleton<EventMeters>();
        builder.Services.AddSingleton<Writes.AuditTrail>();
        builder.Services.AddSingleton<Writes.HistoryTrail>();
        builder.Services.AddSingleton<Writes.WriteGroups>();
        builder.Services.AddSingleton<Writes.WritePath>();
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration("Outbox");
        builder.Services.AddHostedService<OutboxRelay>();
        return builder;
    }

    /// <summary>
    /// Deletes, at every start, the queues of consumers this service no longer has (<see cref="RetiredQueues"/>), by
    /// the full names MassTransit gave them (service, then the consumer in kebab case: <c>metrics-dataset-registered</c>).
    /// </summary>
    public static IHostApplicationBuilder RetireQueues(this IHostApplicationBuilder builder, string connectionName, params string[] queues)
    {
        var broker = Broker(builder, connectionName);
        builder.Services.AddHostedService(services =>
            new RetiredQueues(broker, queues, services.GetRequiredService<Microsoft.Extensions.Logging.ILogger<RetiredQueues>>()));
        return builder;
    }

    /// <summary>The broker's amqp:// URI, <c>ConnectionStrings:{connectionName}</c>.</summary>
    private static Uri Broker(IHostApplicationBuilder builder, string connectionName) =>
        new(builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{connectionName} is not configured."));
}
