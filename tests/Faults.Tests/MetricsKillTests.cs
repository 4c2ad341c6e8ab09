using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Platform.Faults.Tests.Servers;
using Platform.Metrics.V1;
using Xunit.Abstractions;

namespace Platform.Faults.Tests;

/// <summary>
/// Fault test 3: metrics SIGKILLed while it consumes a burst. Restarted, it counts nothing twice and loses nothing;
/// with two replicas, the survivor takes over the queues alone.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class MetricsKillTests(FaultServers servers, ITestOutputHelper output)
{
    [Fact(Timeout = 300_000)]
    public async Task AKilledAndRestartedReplicaCountsNothingTwiceAndLosesNothing()
    {
        const string Name = "metrics-sigkill";
        await using var mesh = await Mesh.StartAsync(servers, Name, inProcessMetrics: false);
        var (database, broker, redis) = mesh.MetricsSettings;
        await using var first = await StartReadyAsync(MetricsProcess.Start(database, broker, redis));
        mesh.UseMetricsAt(first.Address);
        var burst = await Burst.CreateAsync(mesh);
        var rounds = FaultSize.Rounds;

        var round = 0;
        for (; round < rounds / 4; round++)
        {
            await burst.RoundAsync(round);
        }

        var load = RoundsAsync(burst, round, rounds * 3 / 4);
        var (ready, unacknowledged) = await KillWhileConsumingAsync(mesh, first, load);
        var killed = Stopwatch.GetTimestamp();
        output.WriteLine($"[{Name}] metrics SIGKILLed while consuming, after {burst.Writes:N0} writes, with {ready:N0} events queued and {unacknowledged:N0} in its hands (unacknowledged) just before");
        await load;
        round = rounds * 3 / 4;

        await using var second = await StartReadyAsync(MetricsProcess.Start(database, broker, redis));
        output.WriteLine($"[{Name}] metrics restarted {Stopwatch.GetElapsedTime(killed).TotalSeconds:0.0} s after the kill");
        mesh.UseMetricsAt(second.Address);
        var restarted = Stopwatch.GetTimestamp();
        for (; round < rounds; round++)
        {
            await burst.RoundAsync(round);
        }

        await Accounting.ConvergeAsync(output, Name, mesh, burst, restarted, TimeSpan.FromSeconds(30));
    }

    [Fact(Timeout = 300_000)]
    public async Task WhenOneOfTwoReplicasIsKilledTheOtherTakesOverTheQueues()
    {
        const string Name = "metrics-replica-sigkill";
        await using var mesh = await Mesh.StartAsync(servers, Name, inProcessMetrics: false);
        var (database, broker, redis) = mesh.MetricsSettings;
        await using var first = await StartReadyAsync(MetricsProcess.Start(database, broker, redis));
        await using var second = await StartReadyAsync(MetricsProcess.Start(database, broker, redis));
        mesh.UseMetricsAt(second.Address);
        var burst = await Burst.CreateAsync(mesh);
        var rounds = FaultSize.Rounds;

        var round = 0;
        for (; round < rounds / 4; round++)
        {
            await burst.RoundAsync(round);
        }

        var load = RoundsAsync(burst, round, rounds);
        var (ready, unacknowledged) = await KillWhileConsumingAsync(mesh, first, load);
        var killed = Stopwatch.GetTimestamp();
        output.WriteLine($"[{Name}] one of two metrics replicas SIGKILLed while consuming, after {burst.Writes:N0} writes, with {ready:N0} events queued and {unacknowledged:N0} unacknowledged just before");
        await load;

        await Accounting.ConvergeAsync(output, Name, mesh, burst, killed, TimeSpan.FromSeconds(30));
        Assert.False(second.HasExited);
    }

    private static Task RoundsAsync(Burst burst, int from, int to) => Task.Run(async () =>
    {
        for (var round = from; round < to; round++)
        {
            await burst.RoundAsync(round);
        }
    });

    /// <summary>
    /// SIGKILLs <paramref name="replica"/> with events in its hands: it is frozen first (SIGSTOP, mid-way through
    /// whatever it was doing), so the events the load keeps publishing are delivered to it and stay unacknowledged,
    /// then killed once the broker shows them.
    /// </summary>
    private async Task<(long Ready, long Unacknowledged)> KillWhileConsumingAsync(Mesh mesh, MetricsProcess replica, Task load)
    {
        replica.Freeze();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var depth = await servers.Broker.QueueDepthAsync(mesh.VirtualHost);
            if (depth.Unacknowledged > 0 || DateTime.UtcNow > deadline)
            {
                await replica.KillAsync();
                Assert.True(depth.Unacknowledged > 0, "the replica held unacknowledged events when it was killed");
                return depth;
            }

            await Task.WhenAny(load, Task.Delay(100));
        }
    }

    /// <summary>Waits until the replica answers gRPC (migrations done, bus started).</summary>
    private static async Task<MetricsProcess> StartReadyAsync(MetricsProcess replica)
    {
        using var channel = GrpcChannel.ForAddress(replica.Address);
        var client = new MetricsService.MetricsServiceClient(channel);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                return replica;
            }
            catch (RpcException) when (DateTime.UtcNow < deadline && !replica.HasExited)
            {
                await Task.Delay(200);
            }
            catch (RpcException)
            {
                await replica.DisposeAsync();
                throw new InvalidOperationException("the metrics replica did not start:\n" + replica.Output());
            }
        }
    }
}
