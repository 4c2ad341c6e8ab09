using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Platform.Catalog.V1;
using Platform.Metrics.V1;
using Platform.Tooling;
using Platform.Trading.V1;

namespace Platform.ScenarioLoader.Loading;

/// <summary>
/// The loader's clients of the three services, over one channel each (one call in 100 traced: see TraceSampling), every
/// unary call with a deadline (<see cref="UnaryDeadline"/>).
/// </summary>
public sealed class PlatformClients : IDisposable
{
    private readonly GrpcChannel _catalog;
    private readonly GrpcChannel _trading;
    private readonly GrpcChannel _metrics;

    public PlatformClients(LoaderOptions options)
    {
        _catalog = ToolChannels.Open(options.Catalog);
        _trading = ToolChannels.Open(options.Trading);
        _metrics = ToolChannels.Open(options.Metrics);
        var deadline = new UnaryDeadline(UnaryDeadline.Limit);
        Catalog = new(_catalog.Intercept(deadline));
        Trading = new(_trading.Intercept(deadline));
        Metrics = new(_metrics.Intercept(deadline));
    }

    public CatalogService.CatalogServiceClient Catalog { get; }

    public TradingService.TradingServiceClient Trading { get; }

    public MetricsService.MetricsServiceClient Metrics { get; }

    public void Dispose()
    {
        _catalog.Dispose();
        _trading.Dispose();
        _metrics.Dispose();
    }
}
