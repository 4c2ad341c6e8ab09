using System.Diagnostics;
using System.Net;
using Dapper;
using Npgsql;
using Platform.Catalog.V1;
using Platform.Faults.Tests.Servers;
using Xunit.Abstractions;

namespace Platform.Faults.Tests;

/// <summary>
/// Fault test 4: PostgreSQL restarted (fast shutdown, then start) under a write load. The services report unhealthy
/// and recover by themselves; every acknowledged write is there afterwards, and every failed write, retried with its
/// request ids, yields exactly one record; metrics still equals the sources exactly.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class PostgresRestartTests(FaultServers servers, ITestOutputHelper output)
{
    [Fact(Timeout = 300_000)]
    public async Task ServicesRecoverByThemselvesAndRetriedWritesYieldExactlyOneRecord()
    {
        const string Name = "postgres-restart";
        var outage = FaultSize.Scaled(ci: TimeSpan.FromSeconds(5), full: TimeSpan.FromSeconds(20));
        await using var postgres = await PostgresServer.StartAsync();
        await using var mesh = await Mesh.StartAsync(servers, Name, postgres.ConnectionString);
        var burst = await Burst.CreateAsync(mesh, retry: true);
        var rounds = FaultSize.Rounds;
        var load = Task.Run(async () =>
        {
            for (var round = 0; round < rounds; round++)
            {
                await burst.RoundAsync(round);
            }
        });

        await RabbitMqServer.WaitAsync(() => Task.FromResult(burst.Writes >= Burst.WritesPerRound * rounds / 3 || load.IsCompleted), TimeSpan.FromSeconds(120), "a third of the load written");
        Assert.False(load.IsCompleted, "the load is still running when PostgreSQL stops");
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], await mesh.HealthAsync());

        await postgres.FastShutdownAsync();
        var down = Stopwatch.StartNew();
        await RabbitMqServer.WaitAsync(async () => (await mesh.HealthAsync()).All(s => s != HttpStatusCode.OK), TimeSpan.FromSeconds(15), "every service unhealthy");
        var unhealthy = down.Elapsed;
        if (down.Elapsed < outage)
        {
            await Task.Delay(outage - down.Elapsed);
        }

        await postgres.StartAgainAsync();
        var back = Stopwatch.StartNew();
        await RabbitMqServer.WaitAsync(async () => (await mesh.HealthAsync()).All(s => s == HttpStatusCode.OK), TimeSpan.FromSeconds(30), "every service healthy again");
        output.WriteLine($"[{Name}] PostgreSQL down {down.Elapsed.TotalSeconds:0.0} s; all three services unhealthy {unhealthy.TotalSeconds:0.0} s after the shutdown, " +
            $"healthy again {back.Elapsed.TotalSeconds:0.0} s after the start, none restarted");

        await load.WaitAsync(TimeSpan.FromSeconds(180));
        output.WriteLine($"[{Name}] {burst.FailedAttempts:N0} failed attempts retried with their request ids ({burst.FailureCodes}); {burst.RecoveredWrites:N0} writes failed and then succeeded");
        // The outage must have been felt: a write that failed while PostgreSQL was down and succeeded on its retry with the
        // same request ids (the record counts below then show it made exactly one record).
        Assert.True(burst.RecoveredWrites > 0, $"no write failed during the outage and succeeded on retry ({burst.FailedAttempts} failed attempts)");
        await Accounting.ConvergeAsync(output, Name, mesh, burst, Stopwatch.GetTimestamp(), TimeSpan.FromSeconds(30));

        // Exactly one record per request id, whatever its status (a second registration would be a DRAFT, not counted above).
        var datasets = await mesh.Catalog.ListDatasetsAsync(new ListDatasetsRequest { PageSize = 1 });
        Assert.Equal(rounds * 50, datasets.TotalSize);
        await using var trading = new NpgsqlConnection(mesh.TradingDatabase);
        Assert.Equal(rounds * 30, await trading.ExecuteScalarAsync<long>("select count(*) from listings"));
        Assert.Equal(rounds * 12, await trading.ExecuteScalarAsync<long>("select count(*) from trades"));
    }
}
