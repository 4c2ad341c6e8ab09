using Platform.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Platform.Metrics.FunctionalTests;

[Collection(MetricsCollection.Name)]
public sealed class RetiredQueueTests(MetricsFixture fixture)
{
    private const string Retired = "metrics-dataset-registered";

    [Fact]
    public async Task TheQueueOfAConsumerMetricsNoLongerHasIsDeletedAtStartWithItsExchange()
    {
        // What an earlier version left on a broker that outlived it: its durable queue for registrations, bound through
        // the exchange of the same name and holding a message nobody will consume.
        var factory = new ConnectionFactory { Uri = new Uri(TestServers.RabbitMq("metrics")) };
        await using var connection = await factory.CreateConnectionAsync();
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.ExchangeDeclareAsync(Retired, ExchangeType.Fanout, durable: true);
            await channel.QueueDeclareAsync(Retired, durable: true, exclusive: false, autoDelete: false);
            await channel.QueueBindAsync(Retired, Retired, "");
            await channel.BasicPublishAsync(Retired, "", new byte[] { 1 });
        }

        Assert.True(await ExistsAsync(connection, c => c.QueueDeclarePassiveAsync(Retired)));

        await fixture.StartReplicaAsync();

        await Eventually.Returns(() => ExistsAsync(connection, c => c.QueueDeclarePassiveAsync(Retired)), exists => !exists,
            because: "a starting replica deletes the retired queue");
        Assert.False(await ExistsAsync(connection, c => c.ExchangeDeclarePassiveAsync(Retired)));

        // The queues of the consumers metrics has are untouched.
        Assert.True(await ExistsAsync(connection, c => c.QueueDeclarePassiveAsync("metrics-dataset-certified")));
    }

    /// <summary>A passive declaration answers 404 (and closes its channel) when the queue or exchange is not there.</summary>
    private static async Task<bool> ExistsAsync(IConnection connection, Func<IChannel, Task> declarePassive)
    {
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            await declarePassive(channel);
            return true;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
        {
            return false;
        }
    }
}
