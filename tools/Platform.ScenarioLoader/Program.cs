using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using Platform.Metrics.V1;
using Platform.Operations.V1;
using Platform.ScenarioLoader.Loading;
using Platform.ScenarioLoader.Operations;
using Platform.ScenarioLoader.Plan;
using Platform.ScenarioLoader.Verify;
using Platform.TokenClient;
using Platform.Tooling;

// usage: scenario-loader [--seed N] [--scale N] [--concurrency N] [--catalog URL] [--trading URL] [--metrics URL]
//                        [--catch-up-timeout SECONDS] [--table-only] [--verify] [--rebuild] [--clear-cache]
//                        [--prune catalog|trading|metrics|all]
// --scale N (1 to 10, default 1 or SCENARIO_SCALE) loads N times the nation, the article's ratios kept (ScenarioTargets.Scaled);
// a scale's request ids are its own, so load one scale into an empty platform (./run.sh --wipe --scale N).
// A load prints the headline table, then verifies it (recomputes H1–H8 from the list APIs). --table-only prints
// the table without loading, --verify verifies without loading, both together do both. --rebuild asks metrics to
// rebuild the indicators from its records (RebuildIndicators) instead of loading, before any table or verification.
// The operator's calls, instead of loading: --clear-cache drops metrics' cached figures (ClearHeadlineCache);
// --prune deletes the expired bookkeeping rows of a service, or of all three, now (PruneRetention) and prints them.
var settings = new Dictionary<string, string>(StringComparer.Ordinal);
var tableOnly = false;
var verifyOnly = false;
var rebuild = false;
var clearCache = false;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--table-only")
    {
        tableOnly = true;
    }
    else if (args[i] == "--verify")
    {
        verifyOnly = true;
    }
    else if (args[i] == "--rebuild")
    {
        rebuild = true;
    }
    else if (args[i] == "--clear-cache")
    {
        clearCache = true;
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

var scaleText = settings.GetValueOrDefault("scale") ?? Environment.GetEnvironmentVariable("SCENARIO_SCALE") ?? "1";
if (!int.TryParse(scaleText, NumberStyles.None, CultureInfo.InvariantCulture, out var scale) || scale is < 1 or > ScenarioTargets.MaxScale)
{
    Console.Error.WriteLine($"--scale takes a whole number from 1 to {ScenarioTargets.MaxScale}, not '{scaleText}'");
    return 2;
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
    scale,
    // Evaluations and trades are single calls, latency-bound (a trade is four calls in turn): 128 in flight load them
    // about 1.5 times as fast as 32 on two cores (×1: trades 240/s against 155/s). Batches stay at 4 in flight.
    int.Parse(settings.GetValueOrDefault("concurrency", "128"), CultureInfo.InvariantCulture),
    TimeSpan.FromSeconds(double.Parse(settings.GetValueOrDefault("catch-up-timeout", "300"), CultureInfo.InvariantCulture)));

// The loader acts as an administrator (it registers for every organisation, certifies, lists on every exchange).
if (ToolCredentials.Resolve("scenario-loader") is { } credentials)
{
    ToolChannels.Tokens = new TokenClient(credentials);
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

var prune = settings.GetValueOrDefault("prune");
if (prune is not (null or "catalog" or "trading" or "metrics" or "all"))
{
    Console.Error.WriteLine($"--prune takes catalog, trading, metrics or all, not '{prune}'");
    return 2;
}

var load = !tableOnly && !verifyOnly && !rebuild && !clearCache && prune is null;
ScenarioPlan? plan = null;
if (load)
{
    plan = ScenarioGenerator.Generate(options.Seed, ScenarioTargets.Scaled(options.Scale));
    Console.WriteLine($"National scenario (seed {options.Seed}, ×{options.Scale}): {plan.Datasets.Count:N0} datasets, {plan.Listings.Count:N0} listings, " +
        $"{plan.Trades.Count:N0} trades, {plan.TokenUsage.Count:N0} token-usage reports, {plan.Corpora.Count} training corpora");
    var elapsed = await new ScenarioRunner(options, plan).RunAsync(cancel.Token);
    Console.WriteLine($"Loaded in {elapsed.TotalSeconds:0.0}s (through the public gRPC APIs, until metrics had consumed every event)");
}

if (rebuild)
{
    using var channel = ToolChannels.Open(options.Metrics);
    var rebuilt = await new MetricsService.MetricsServiceClient(channel).RebuildIndicatorsAsync(
        new RebuildIndicatorsRequest { RequestId = Guid.NewGuid().ToString() }, cancellationToken: cancel.Token);
    Console.WriteLine($"Indicators rebuilt from metrics' records in {rebuilt.ElapsedMs:N0} ms (the headline cache cleared and filled again).");
}

if (clearCache)
{
    using var channel = ToolChannels.Open(options.Metrics);
    var cleared = await new MetricsService.MetricsServiceClient(channel).ClearHeadlineCacheAsync(new ClearHeadlineCacheRequest(), cancellationToken: cancel.Token);
    Console.WriteLine($"Headline cache cleared at {cleared.ClearedAt.ToDateTimeOffset():u}: the next read computes the figures from metrics' records.");
}

if (prune is not null)
{
    foreach (var (service, target) in new[] { ("catalog", options.Catalog), ("trading", options.Trading), ("metrics", options.Metrics) })
    {
        if (prune == "all" || prune == service)
        {
            using var channel = ToolChannels.Open(target);
            var pruned = await new OperationsService.OperationsServiceClient(channel).PruneRetentionAsync(new PruneRetentionRequest(), cancellationToken: cancel.Token);
            Console.WriteLine(RetentionTable.Format(service, pruned));
        }
    }
}

var ok = true;
if (load || tableOnly)
{
    using var channel = GrpcChannel.ForAddress(options.Metrics);
    var rows = await HeadlineTable.ReadAsync(new MetricsService.MetricsServiceClient(channel), cancel.Token);
    Console.WriteLine();
    Console.WriteLine(HeadlineTable.Format(rows));
    // The article's figures are the target of ×1 only; at another scale the verification below is the check.
    ok &= options.Scale != 1 || rows.All(r => r.Agrees);
}

if (load || verifyOnly)
{
    Verifier.Result verification;
    try
    {
        verification = await new Verifier(options, plan?.Corpora).RunAsync(cancel.Token);
    }
    catch (RpcException ex)
    {
        Console.Error.WriteLine($"Verification failed: a list call ended with {ex.StatusCode} ({ex.Status.Detail}). " +
            $"Is the platform running at {options.Catalog}, {options.Trading} and {options.Metrics}?");
        return 3;
    }

    Console.WriteLine();
    Console.WriteLine($"Verification: H1–H8 recomputed from the list APIs ({verification.DatasetsListed:N0} certified datasets, " +
        $"{verification.ListingsListed:N0} active high-quality listings, {verification.TradesListed:N0} settled trades) in {verification.Elapsed.TotalSeconds:0.0}s " +
        $"({string.Join(", ", verification.Timings.OrderBy(t => t.Value).Select(t => $"{t.Key} done at {t.Value.TotalSeconds:0.0}s"))})");
    Console.WriteLine(VerificationTable.Format(verification.Rows));
    ok &= verification.Rows.All(r => r.Agrees);
}

return ok ? 0 : 1;
