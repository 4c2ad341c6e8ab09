using System.Globalization;
using System.Text.Json;
using Grpc.Net.Client;
using Platform.LoadTest;
using Platform.TokenClient;
using Platform.Tooling;

LoadOptions options;
List<Scenario> scenarios;
try
{
    options = LoadOptions.Parse(args);
    scenarios = options.Scenarios.Select(Scenario.Create).ToList();
}
catch (HelpRequestedException)
{
    Console.WriteLine(LoadOptions.Usage);
    return 0;
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

if (options.H2LoadBodies is { } bodies)
{
    return await H2LoadBodies.WriteAsync(options, bodies);
}

// Each service's baseline runs first, so every scenario has its reference from the same run.
var baselines = scenarios.Select(s => s.Service).Distinct()
    .Select(service => Scenario.Create(Scenario.BaselineOf(service)))
    .Where(b => scenarios.All(s => s.Name != b.Name))
    .ToList();

if (options.DryRun)
{
    foreach (var scenario in baselines.Concat(scenarios))
    {
        Console.WriteLine($"{scenario.Name,-18} {scenario.Service,-8} {options.Targets[scenario.Service]}");
    }

    return 0;
}

var results = new List<ScenarioResult>();
if (ToolCredentials.Resolve("load-test") is { } credentials)
{
    ToolChannels.Tokens = new TokenClient(credentials);
}

var anonymousChannels = options.Targets.ToDictionary(t => t.Key, t => Runner.OpenChannels(t.Value, options.Connections, options.TraceEvery, authenticated: false));
var tokenChannels = options.Targets.ToDictionary(t => t.Key, t => Runner.OpenChannels(t.Value, options.Connections, options.TraceEvery, authenticated: true));
GrpcChannel[] ChannelsOf(Scenario scenario) => (scenario.NeedsToken ? tokenChannels : anonymousChannels)[scenario.Service];
Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {options.Concurrency} in flight, " +
    $"{options.Connections} connection(s), {options.Duration.TotalSeconds:0}s measured after {options.WarmUp.TotalSeconds:0}s warm-up, " +
    (options.TraceEvery == 0 ? "no call traced" : $"1 call in {options.TraceEvery} traced"));
foreach (var baseline in baselines.Concat(scenarios.Where(s => s.Name.StartsWith("baseline-", StringComparison.Ordinal))))
{
    await Runner.WarmUpClientAsync(baseline, ChannelsOf(baseline), options);
}

foreach (var scenario in baselines.Concat(scenarios))
{
    Console.Write($"  {scenario.Name,-18} ...");
    var isBaseline = scenario.Name == Scenario.BaselineOf(scenario.Service);
    var baseline = isBaseline ? null : (await Runner.RunAsync(Scenario.Create(Scenario.BaselineOf(scenario.Service)), ChannelsOf(scenario), options))[0];
    var rows = await Runner.RunAsync(scenario, ChannelsOf(scenario), options);
    var result = rows[0];
    if (baseline is { CallsPerSecond: > 0 })
    {
        result = result with
        {
            ThroughputVsBaseline = Math.Round(result.CallsPerSecond / baseline.CallsPerSecond, 2),
            P99VsBaseline = baseline.P99Ms > 0 ? Math.Round(result.P99Ms / baseline.P99Ms, 2) : null,
            BaselineCallsPerSecond = Math.Round(baseline.CallsPerSecond),
            BaselineP99Ms = baseline.P99Ms,
        };
    }

    results.Add(result);
    results.AddRange(rows.Skip(1));
    Console.WriteLine($" {result.CallsPerSecond:N0} calls/s" + (baseline is null ? "" : $" (baseline right before: {baseline.CallsPerSecond:N0})") + string.Concat(rows.Skip(1).Select(r => $"; {r.Scenario} p99 {r.P99Ms:0.0} ms")));
}

Console.WriteLine();
Console.WriteLine(Report.Table(results));
if (options.JsonPath is { } path)
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new
    {
        date = DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture),
        machine = Report.Machine(),
        options = new
        {
            options.Concurrency,
            options.Connections,
            durationSeconds = options.Duration.TotalSeconds,
            warmUpSeconds = options.WarmUp.TotalSeconds,
            options.Rate,
            options.StreamRecords,
            options.WriteRate,
            options.TraceEvery,
        },
        results,
    }, new JsonSerializerOptions { WriteIndented = true }));
    Console.WriteLine($"results written to {path}");
}

return results.Any(r => r.NonOk > 0) ? 1 : 0;
