using Grpc.Health.V1;
using Grpc.Net.Client;
using Platform.Metrics.V1;

namespace Platform.LoadTest;

/// <summary>One kind of call driven against one service.</summary>
public abstract class Scenario
{
    public static readonly string[] StandardSet = ["headline", "search", "get-dataset", "register", "trade", "token-stream", "freshness"];

    public abstract string Name { get; }

    /// <summary>The service called: catalog, trading or metrics. Its baseline is measured in the same run.</summary>
    public abstract string Service { get; }

    /// <summary>Caps the workers for scenarios that are heavy per call (streams of many records).</summary>
    public virtual int? MaxConcurrency => null;

    /// <summary>Prepares what the calls need (e.g. seed data), outside the measurement.</summary>
    public virtual Task SetupAsync(GrpcChannel channel, LoadOptions options) => Task.CompletedTask;

    /// <summary>Makes one call; returns the number of items it carried (1 for a unary call, records for a stream).</summary>
    public abstract Task<long> ExecuteAsync(GrpcChannel channel, int worker, long sequence);

    /// <summary>
    /// Runs beside the measured calls (after the warm-up) until <paramref name="stop"/>, and returns more rows for
    /// the report: what the scenario measures under the load of its calls.
    /// </summary>
    public virtual Task<IReadOnlyList<ScenarioResult>> ProbeAsync(LoadOptions options, CancellationToken stop) =>
        Task.FromResult<IReadOnlyList<ScenarioResult>>([]);

    public static string BaselineOf(string service) => $"baseline-{service}";

    public static Scenario Create(string name) => name switch
    {
        "baseline-catalog" => new BaselineScenario("catalog"),
        "baseline-trading" => new BaselineScenario("trading"),
        "baseline-metrics" => new BaselineScenario("metrics"),
        "headline" => new HeadlineScenario(),
        "freshness" => new FreshnessScenario(),
        _ => ScenarioCatalog.Create(name) ?? throw new ArgumentException($"unknown scenario {name}"),
    };
}

/// <summary>The empty unary call every other scenario is compared with: grpc.health.v1 Check on the same service.</summary>
public sealed class BaselineScenario(string service) : Scenario
{
    private static readonly HealthCheckRequest Request = new();

    public override string Name => BaselineOf(service);
    public override string Service => service;

    public override async Task<long> ExecuteAsync(GrpcChannel channel, int worker, long sequence)
    {
        await new Health.HealthClient(channel).CheckAsync(Request);
        return 1;
    }
}

public sealed class HeadlineScenario : Scenario
{
    private static readonly GetHeadlineIndicatorsRequest Request = new();

    public override string Name => "headline";
    public override string Service => "metrics";

    public override async Task<long> ExecuteAsync(GrpcChannel channel, int worker, long sequence)
    {
        await new MetricsService.MetricsServiceClient(channel).GetHeadlineIndicatorsAsync(Request);
        return 1;
    }
}
