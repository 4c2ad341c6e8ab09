using System.Globalization;

namespace Platform.LoadTest;

/// <summary>Command-line options: <c>--name value</c> pairs; see <see cref="Usage"/>.</summary>
public sealed record LoadOptions
{
    public IReadOnlyList<string> Scenarios { get; init; } = Scenario.StandardSet;
    public int Concurrency { get; init; } = 32;
    public int Connections { get; init; } = 1;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Calls per second for an open-loop run; 0 runs closed-loop (each worker calls as soon as its last call ended).</summary>
    public double Rate { get; init; }

    /// <summary>Token-usage records per streamed message batch and per stream.</summary>
    public int StreamRecords { get; init; } = 100_000;

    /// <summary>Registrations per second that the freshness scenario adds to its headline reads.</summary>
    public double WriteRate { get; init; } = 100;

    /// <summary>One call in this many carries a sampled trace context, the others an unsampled one; 0: none sampled.</summary>
    public int TraceEvery { get; init; } = Platform.Tooling.ToolChannels.DefaultTraceEvery;

    public string? JsonPath { get; init; }
    public int Seed { get; init; } = 42;
    public bool DryRun { get; init; }

    /// <summary>Where to write the request bodies for h2load instead of running scenarios (see H2LoadBodies).</summary>
    public string? H2LoadBodies { get; init; }

    public Dictionary<string, Uri> Targets { get; init; } = new()
    {
        ["catalog"] = new("http://127.0.0.1:5011"),
        ["trading"] = new("http://127.0.0.1:5021"),
        ["metrics"] = new("http://127.0.0.1:5031"),
    };

    public const string Usage = """
        usage: loadtest [options]
          --scenarios a,b,...   scenarios to run (default: the standard set); each service's baseline runs first, and
                                 again right before each of its scenarios (the ratios are to that one)
                                 known: baseline-catalog, baseline-trading, baseline-metrics, headline, headline-full,
                                        headline-parsed, search, get-dataset, register, trade, token-stream, freshness
                                 freshness: headline reads at --concurrency plus --write-rate registrations/s,
                                 while datasets are certified one at a time through the catalog; its rows
                                 freshness:h1 (ms from CertifyDataset's OK to the first WatchHeadlineIndicators
                                 snapshot whose H1 counts it) and freshness:register (the registrations).
                                 It retires the datasets it certified when it ends. Needs the catalog's notice
                                 period short (the AppHost sets 2 s); use --duration 30 or more for a stable p99
          --concurrency N       calls in flight (workers), default 32
          --connections N       HTTP/2 connections per service, default 1
          --duration S          measured seconds per scenario, default 10
          --warmup S            unmeasured seconds before each scenario, default 3
          --rate R              open loop at R calls/s (latency measured from the intended start); default closed loop
          --stream-records N    records per ReportTokenUsage stream, default 100000
          --write-rate R        registrations/s in the background of the freshness scenario, default 100 (0: none)
          --trace-every N       trace one call in N (W3C traceparent sampled flag; the services follow it), default 100;
                                 1 traces every call, as a client without trace context would be, 0 none
          --json PATH           also write the results as JSON
          --catalog URL --trading URL --metrics URL   targets (default http://127.0.0.1:5011/5021/5031)
          --seed N              seed for generated requests, default 42
          --dry-run             print what would run, and against what, without calling anything
          --h2load-bodies DIR   call each unary read once, write its gRPC-framed request body to DIR with a
                                 manifest.tsv (name, service, URL, file) for scripts/bench.sh's h2load runs, and exit
        """;

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            options = name switch
            {
                "--scenarios" => options with { Scenarios = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--concurrency" => options with { Concurrency = PositiveInt(name, Value()) },
                "--connections" => options with { Connections = PositiveInt(name, Value()) },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture)) },
                "--warmup" => options with { WarmUp = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture)) },
                "--rate" => options with { Rate = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--stream-records" => options with { StreamRecords = PositiveInt(name, Value()) },
                "--write-rate" => options with { WriteRate = NonNegative(name, Value()) },
                "--trace-every" => options with { TraceEvery = NonNegativeInt(name, Value()) },
                "--json" => options with { JsonPath = Value() },
                "--seed" => options with { Seed = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--catalog" or "--trading" or "--metrics" => options with { Targets = new(options.Targets) { [name[2..]] = new Uri(Value()) } },
                "--dry-run" => options with { DryRun = true },
                "--h2load-bodies" => options with { H2LoadBodies = Value() },
                "--help" or "-h" => throw new HelpRequestedException(),
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }

        return options;
    }

    private static double NonNegative(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && x >= 0 && double.IsFinite(x)
            ? x
            : throw new ArgumentException($"{name} must be a number >= 0");

    private static int NonNegativeInt(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0
            ? n
            : throw new ArgumentException($"{name} must be an integer >= 0");

    private static int PositiveInt(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name} must be a positive integer");
}

public sealed class HelpRequestedException : Exception;
