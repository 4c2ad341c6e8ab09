using Platform.Faults.Tests.Servers;

namespace Platform.Faults.Tests;

/// <summary>
/// The servers the fault tests break, started for this project alone (the shared test servers must never stop:
/// other test assemblies run beside this one). PostgreSQL is the shared one, with new databases per mesh.
/// </summary>
public sealed class FaultServers : IAsyncLifetime
{
    private int _redisDatabase = -1;

    internal RabbitMqServer Broker { get; private set; } = null!;

    internal RedisServer Redis { get; private set; } = null!;

    /// <summary>A logical Redis database per mesh, so no mesh reads another's cached headline.</summary>
    internal int NextRedisDatabase() => Interlocked.Increment(ref _redisDatabase) % 16;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        Broker = await RabbitMqServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }
}

/// <summary>Fault tests run one at a time: each breaks a server the others would notice.</summary>
[CollectionDefinition(Name)]
public sealed class FaultsCollection : ICollectionFixture<FaultServers>
{
    public const string Name = "faults";
}
