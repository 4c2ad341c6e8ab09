using MassTransit;

namespace Platform.Trading.Consumers;

/// <summary>Retries a failed delisting in place (its transaction, inbox row included, was rolled back) before the message is faulted.</summary>
internal sealed class DatasetRetiredConsumerDefinition : ConsumerDefinition<DatasetRetiredConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<DatasetRetiredConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry => retry.Intervals(100, 500, 2_000, 5_000));
}
