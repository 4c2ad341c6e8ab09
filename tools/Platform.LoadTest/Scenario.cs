using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Platform.Metrics.V1;

namespace Platform.LoadTest;

/// <summary>One kind of call driven against one service.</summary>
public abstract class Scenario
{
    public static readonly string[] StandardSet =
        ["headline", "headline-full", "headline-parsed", "search", "get-dataset", "register", "trade", "token-stream", "freshness"];

    public abstract string Name { get; }

    /// <summary>The service called: catalog, trading or metrics. Its baseline is measured in the same run.</summary>
    public abstract string Service { get; }

    /// <summary>
    /// Calls with the load test's bearer token (writes); reads of public figures go anonymous, as most readers would,
    /// so their rates are not those of token validation.
    /// </summary>
    public virtual bool NeedsToken => false;

    /// <summary>Caps the workers for scenarios that are heavy per call (streams of many records).</summary>
    public virtual int? MaxConcurrency => null;

    /// <summary>Prepares what the calls need (e.g. seed data), outside the measurement.</summary>
    public virtual Task SetupAsync(GrpcChannel channel, LoadOptions options) => Task.CompletedTask;

    /// <summary>
    /// Makes one call; returns the number of items it carried (1 for a unary call, records for a stream).
    /// <paramref name="sequence"/> starts again with every measurement (warm-up, measured run): a request id needs <see cref="NextCall"/>.
    /// </summary>
    public abstract Task<long> ExecuteAsync(GrpcChannel channel, int worker, long sequence);

    private long _calls;

    /// <summary>A number no earlier call of this scenario had, for request ids: a warm-up's ids reused would measure stored answers.</summary>
    protected long NextCall() => Interlocked.Increment(ref _calls);

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
        "headline" => new HeadlineScenario(name, HeadlineView.Basic, parse: false),
        "headline-full" => new HeadlineScenario(name, HeadlineView.Full, parse: false),
        "headline-parsed" => new HeadlineScenario(name, HeadlineView.Basic, parse: true),
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

/// <summary>
/// GetHeadlineIndicators (<c>headline</c>: the default BASIC view; <c>headline-full</c>: the FULL view). The client
/// keeps each response as bytes rather than parsing it into a message, as h2load does: the figure is the service's,
/// and on a 2-core machine a client parsing kilobytes per call competes with the service for the CPU. Set-up parses
/// one response in full and checks it; <c>headline-parsed</c> parses every response, as an application client would.
/// </summary>
public sealed class HeadlineScenario(string name, HeadlineView view, bool parse) : Scenario
{
    private readonly GetHeadlineIndicatorsRequest _request = new() { View = view };

    /// <summary>The same method with a response marshaller that only checks a payload arrived.</summary>
    private static readonly Method<GetHeadlineIndicatorsRequest, object> Unparsed = new(
        MethodType.Unary,
        MetricsService.Descriptor.FullName,
        "GetHeadlineIndicators",
        Marshallers.Create((GetHeadlineIndicatorsRequest r, SerializationContext c) => c.Complete(r.ToByteArray()), c => GetHeadlineIndicatorsRequest.Parser.ParseFrom(c.PayloadAsNewBuffer())),
        Marshallers.Create<object>(
            (_, _) => throw new NotSupportedException(),
            CheckPayload));

    private static readonly object Received = new();

    private static object CheckPayload(DeserializationContext context) =>
        context.PayloadLength > 0 ? Received : throw new InvalidDataException("empty headline response");

    public override string Name => name;
    public override string Service => "metrics";

    public override async Task SetupAsync(GrpcChannel channel, LoadOptions options)
    {
        var headline = await new MetricsService.MetricsServiceClient(channel).GetHeadlineIndicatorsAsync(_request);
        if (headline.H1CertifiedDatasets is null || headline.AsOf is null)
        {
            throw new InvalidOperationException("GetHeadlineIndicators answered without H1 or its as-of time.");
        }
    }

    public override async Task<long> ExecuteAsync(GrpcChannel channel, int worker, long sequence)
    {
        if (parse)
        {
            await new MetricsService.MetricsServiceClient(channel).GetHeadlineIndicatorsAsync(_request);
        }
        else
        {
            await channel.CreateCallInvoker().AsyncUnaryCall(Unparsed, null, default, _request);
        }

        return 1;
    }
}
