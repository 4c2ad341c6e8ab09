using System.Diagnostics;
using Xunit.Abstractions;

namespace Platform.Faults.Tests;

/// <summary>
/// Fault test 2: RabbitMQ frozen (SIGSTOP: its sockets stay open, nothing answers) during a burst, then SIGCONT. No
/// write waits on the broker, so none comes near its deadline; afterwards nothing is lost or counted twice.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class BrokerPauseTests(FaultServers servers, ITestOutputHelper output)
{
    private static readonly TimeSpan WriteDeadline = TimeSpan.FromSeconds(5);

    [Fact(Timeout = 300_000)]
    public async Task NoWriteHangsAndNothingIsLostOrCountedTwiceWhileTheBrokerIsPaused()
    {
        const string Name = "broker-pause";
        var pause = FaultSize.Scaled(ci: TimeSpan.FromSeconds(12), full: TimeSpan.FromSeconds(30));
        await using var mesh = await Mesh.StartAsync(servers, Name);
        // A write that waited on the broker would fail with DEADLINE_EXCEEDED, and fail the burst.
        var burst = await Burst.CreateAsync(mesh);
        var rounds = FaultSize.Rounds;
        var third = rounds / 3;

        var round = 0;
        for (; round < third; round++)
        {
            await burst.RoundAsync(round, WriteDeadline);
        }

        servers.Broker.Pause();
        var paused = Stopwatch.StartNew();
        try
        {
            for (; round < 2 * third; round++)
            {
                await burst.RoundAsync(round, WriteDeadline);
                var due = pause * (round - third + 1) / third;
                if (paused.Elapsed < due)
                {
                    await Task.Delay(due - paused.Elapsed);
                }
            }
        }
        finally
        {
            servers.Broker.Resume();
        }

        var resumed = Stopwatch.GetTimestamp();
        output.WriteLine($"[{Name}] broker paused {paused.Elapsed.TotalSeconds:0.0} s; slowest write so far {burst.Slowest.TotalMilliseconds:0} ms (deadline {WriteDeadline.TotalSeconds:0} s)");
        for (; round < rounds; round++)
        {
            await burst.RoundAsync(round, WriteDeadline);
        }

        await Accounting.ConvergeAsync(output, Name, mesh, burst, resumed, TimeSpan.FromSeconds(30));
        Assert.True(burst.Slowest < WriteDeadline, $"slowest write {burst.Slowest.TotalMilliseconds:0} ms");
    }
}
