using System.Globalization;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Faults.Tests.Servers;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Faults.Tests;

/// <summary>
/// Fault test 7: an event no consumer can apply goes to the consumer's error queue once its retries are spent; the
/// events behind it are counted exactly; scripts/dead-letters.sh lists it and replays it (it fails again and returns
/// to the error queue, and counts nothing, however often it is replayed). Metrics' meter counts its retried attempts
/// and each time it is dead-lettered.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class PoisonEventTests(FaultServers servers, ITestOutputHelper output)
{
    private const string ErrorQueue = "metrics-dataset-certified_error";

    [Fact(Timeout = 240_000)]
    public async Task APoisonEventGoesToTheErrorQueueBlocksNothingAndCanBeListedAndReplayed()
    {
        const string Name = "poison";
        await using var mesh = await Mesh.StartAsync(servers, Name);
        using var meters = new MeterRecorder(mesh.MetricsServices);
        var burst = await Burst.CreateAsync(mesh);
        await burst.RoundAsync(0);

        // A name is required: this event violates a not-null constraint in metrics every time it is applied.
        var poison = new DatasetCertified(Guid.NewGuid(), "HQ-POISON",
            new DatasetFacts(null!, "finance", "tabular", 1_000, 1, 0, "Hainan", "故障测试机构", null, [new LanguageShare("zh", 10_000)]), DateTimeOffset.UtcNow);
        var poisonId = Guid.NewGuid();
        await mesh.MetricsServices.GetRequiredService<IBus>().Publish(poison, context => context.MessageId = poisonId);
        var published = System.Diagnostics.Stopwatch.GetTimestamp();

        // Everything behind it is consumed and counted exactly.
        await burst.RoundAsync(1);
        await burst.RoundAsync(2);
        await Accounting.ConvergeAsync(output, Name, mesh, burst, published, TimeSpan.FromSeconds(30));

        var listed = await WaitForErrorQueueAsync(mesh, 1, TimeSpan.FromSeconds(60));
        output.WriteLine($"[{Name}] dead-letters.sh list: {listed.Trim()}");

        // Four retries (100 ms, 0.5, 2 and 5 s) before it was dead-lettered, once.
        var consumer = ("messaging.destination.name", ErrorQueue[..^"_error".Length]);
        Assert.Equal(1, meters.Sum("platform.metrics.events.dead_lettered", consumer, ("messaging.message.type", nameof(DatasetCertified))));
        Assert.Equal(4, meters.Sum("platform.metrics.events.retried", consumer));
        Assert.True(meters.Sum("platform.metrics.events.consumed", consumer, ("messaging.message.type", nameof(DatasetCertified))) > 0);

        var replayed = await DeadLettersAsync(mesh, "replay", ErrorQueue);
        output.WriteLine($"[{Name}] dead-letters.sh replay: {replayed.Trim()}");
        Assert.Equal(0, ErrorCount(await DeadLettersAsync(mesh, "list", "--all")));

        // Replayed, it is consumed again, fails again, and is back in the error queue once; it still counts nothing.
        await WaitForErrorQueueAsync(mesh, 1, TimeSpan.FromSeconds(60));
        await burst.RoundAsync(3);
        await Accounting.ConvergeAsync(output, Name + " after replay", mesh, burst, System.Diagnostics.Stopwatch.GetTimestamp(), TimeSpan.FromSeconds(30));
        Assert.Equal(1, ErrorCount(await DeadLettersAsync(mesh, "list")));
        Assert.Equal(2, meters.Sum("platform.metrics.events.dead_lettered", consumer, ("messaging.message.type", nameof(DatasetCertified))));
    }

    private async Task<string> WaitForErrorQueueAsync(Mesh mesh, long messages, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var listed = await DeadLettersAsync(mesh, "list");
            if (ErrorCount(listed) == messages)
            {
                return listed;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{ErrorQueue} did not hold {messages} message(s) in time; list: {listed}");
            await Task.Delay(500);
        }
    }

    private static long ErrorCount(string listed) =>
        listed.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .Where(columns => columns[0] == ErrorQueue)
            .Select(columns => long.Parse(columns[1], CultureInfo.InvariantCulture))
            .SingleOrDefault();

    private Task<string> DeadLettersAsync(Mesh mesh, params string[] arguments) =>
        ServerProcess.RunAsync(Path.Combine(Repository.Root, "scripts", "dead-letters.sh"), arguments, new Dictionary<string, string>
        {
            ["RABBITMQ_DATA"] = servers.Broker.DataDirectory,
            ["ERL_EPMD_PORT"] = servers.Broker.EpmdPort.ToString(CultureInfo.InvariantCulture),
            ["VHOST"] = mesh.VirtualHost,
        }, TimeSpan.FromSeconds(90));
}
