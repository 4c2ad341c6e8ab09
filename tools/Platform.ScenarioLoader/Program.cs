using System.Globalization;
using Grpc.Net.Client;
using Platform.Metrics.V1;
using Platform.ScenarioLoader.Loading;
using Platform.ScenarioLoader.Plan;

// usage: scenario-loader [--seed N] [--concurrency N] [--catalog URL] [--trading URL] [--metrics URL]
//                        [--catch-up-timeout SECONDS] [--table-only]
var settings = new Dictionary<string, string>(StringComparer.Ordinal);
var tableOnly = false;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--table-only")
    {
        tableOnly = true;
    }
    else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
    {
        settings[args[i][2..]] = args[++i];
    }
    else
    {
        Console.Error.WriteLine($"unknown argument {args[i]}");
        return 2;
    }
}

// Under the app host the targets come from service discovery variables; on a shell from the fixed local ports.
Uri Target(string service, string port) => new(settings.GetValueOrDefault(service)
    ?? Environment.GetEnvironmentVariable($"services__{service}__grpc__0")
    ?? $"http://127.0.0.1:{port}");
var options = new LoaderOptions(
    Target("catalog", "5011"),
    Target("trading", "5021"),
    Target("metrics", "5031"),
    int.Parse(settings.GetValueOrDefault("seed", "42"), CultureInfo.InvariantCulture),
    int.Parse(settings.GetValueOrDefault("concurrency", "32"), CultureInfo.InvariantCulture),
    TimeSpan.FromSeconds(double.Parse(settings.GetValueOrDefault("catch-up-timeout", "300"), CultureInfo.InvariantCulture)));

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

if (!tableOnly)
{
    var plan = ScenarioGenerator.Generate(options.Seed);
    Console.WriteLine($"National scenario (seed {options.Seed}): {plan.Datasets.Count:N0} datasets, {plan.Listings.Count:N0} listings, " +
        $"{plan.Trades.Count:N0} trades, {plan.TokenUsage.Count:N0} token-usage reports, {plan.Corpora.Count} training corpora");
    var elapsed = await new ScenarioRunner(options, plan).RunAsync(cancel.Token);
    Console.WriteLine($"Loaded in {elapsed.TotalSeconds:0.0}s (through the public gRPC APIs, until metrics had consumed every event)");
}

using var channel = GrpcChannel.ForAddress(options.Metrics);
var rows = await HeadlineTable.ReadAsync(new MetricsService.MetricsServiceClient(channel), cancel.Token);
Console.WriteLine();
Console.WriteLine(HeadlineTable.Format(rows));
return rows.All(r => r.Agrees) ? 0 : 1;
