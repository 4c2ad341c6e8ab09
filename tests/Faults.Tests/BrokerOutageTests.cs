using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Platform.Infrastructure.Outbox;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Faults.Tests;

/// <summary>
/// Fault test 1: RabbitMQ away for at least 20 s in the middle of a burst of writes. The writes keep succeeding (the
/// outboxes hold the events); within 30 s of the broker's return — measured from the return, a round of further writes
/// included — metrics' H1–H5 equal the sources exactly. Meanwhile catalog's outbox backlog gauge shows the events
/// waiting, and shows none once they are published.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class BrokerOutageTests(FaultServers servers, ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 300_000)]
    public Task NothingIsLostOrCountedTwiceWhenTheBrokerAppStopsMidBurst() =>
        RunAsync("broker-stop-app", servers.Broker.StopAppAsync, servers.Broker.StartAppAsync);

    [Fact(Timeout = 300_000)]
    public Task NothingIsLostOrCountedTwiceWhenTheBrokerNodeIsKilledMidBurst() =>
        RunAsync("broker-sigkill", servers.Broker.KillAsync, servers.Broker.RestartAsync);

    private async Task RunAsync(string name, Func<Task> stop, Func<Task> start)
    {
        await using var mesh = await Mesh.StartAsync(servers, name);
        var burst = await Burst.CreateAsync(mesh);
        var rounds = FaultSize.Rounds;
        var third = rounds / 3;

        var round = 0;
        for (; round < third; round++)
        {
            await burst.RoundAsync(round);
        }

        await stop();
        var down = Stopwatch.StartNew();
        // The middle third is spread over the outage, so writes go on for all of it.
        for (; round < 2 * third; round++)
        {
            await burst.RoundAsync(round);
            var due = Outage * (round - third + 1) / third;
            if (down.Elapsed < due)
            {
                await Task.Delay(due - down.Elapsed);
            }
        }

        var writesDuringOutage = burst.Writes;
        // What an operator sees on the dashboard meanwhile: events waiting in the outbox, the oldest for seconds.
        var backlog = mesh.CatalogServices.GetRequiredService<OutboxBacklog>();
        var waiting = await Eventually.Returns(() => Task.FromResult(backlog.Last), last => last is { Rows: > 0, Oldest: not null },
            TimeSpan.FromSeconds(15), "catalog's backlog gauge shows the events the broker could not take");
        output.WriteLine($"[{name}] catalog outbox backlog during the outage: {waiting!.Value.Rows:N0} events, oldest committed {waiting.Value.Oldest:HH:mm:ss.fff}");
        await start();
        var back = Stopwatch.GetTimestamp();
        output.WriteLine($"[{name}] broker away {down.Elapsed.TotalSeconds:0.0} s; {writesDuringOutage:N0} writes acknowledged by then");
        // The burst goes on after the return (one round), inside the 30 s the figures have to converge in.
        await burst.RoundAsync(round);

        var converged = await Accounting.ConvergeAsync(output, name, mesh, burst, back, Convergence);
        Assert.True(converged <= Convergence, $"converged {converged.TotalSeconds:0.0} s after the broker's return, not within {Convergence.TotalSeconds:0} s");
        await Eventually.Returns(() => Task.FromResult(backlog.Last), last => last is { Rows: 0, Oldest: null },
            OutboxBacklog.Interval * 3, "the backlog gauge shows no waiting event once the relay caught up");
    }
}
