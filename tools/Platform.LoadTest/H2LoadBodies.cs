using System.Buffers.Binary;
using Google.Protobuf;
using Grpc.Health.V1;
using Platform.Catalog.V1;
using Platform.Metrics.V1;
using Platform.Tooling;

namespace Platform.LoadTest;

/// <summary>
/// The unary reads that <c>scripts/bench.sh</c> measures with h2load, an independent client that sends no trace
/// context: each request is called once here (so it is known to answer OK, which h2load cannot tell from HTTP 200) and
/// written as a gRPC-framed body, with a manifest line <c>name, service, URL, file</c> per request.
/// </summary>
public static class H2LoadBodies
{
    public static async Task<int> WriteAsync(LoadOptions options, string directory)
    {
        Directory.CreateDirectory(directory);
        using var catalogChannel = ToolChannels.Open(options.Targets["catalog"], traceEvery: 0);
        using var metricsChannel = ToolChannels.Open(options.Targets["metrics"], traceEvery: 0);
        var catalog = new CatalogService.CatalogServiceClient(catalogChannel);
        var metrics = new MetricsService.MetricsServiceClient(metricsChannel);
        var someDataset = (await catalog.ListDatasetsAsync(new ListDatasetsRequest { PageSize = 1 })).Datasets.FirstOrDefault()
            ?? throw new InvalidOperationException("get-dataset needs datasets: load the scenario first (./run.sh does).");

        var health = new HealthCheckRequest();
        var basic = new GetHeadlineIndicatorsRequest();
        var full = new GetHeadlineIndicatorsRequest { View = HeadlineView.Full };
        var getDataset = new GetDatasetRequest { Id = someDataset.Id };
        var search = SearchScenario.FirstRequest;
        await new Health.HealthClient(metricsChannel).CheckAsync(health);
        await new Health.HealthClient(catalogChannel).CheckAsync(health);
        await metrics.GetHeadlineIndicatorsAsync(basic);
        await metrics.GetHeadlineIndicatorsAsync(full);
        await catalog.GetDatasetAsync(getDataset);
        await catalog.SearchDatasetsAsync(search);

        var entries = new (string Name, string Service, string Method, IMessage Request)[]
        {
            ("baseline-metrics", "metrics", "/grpc.health.v1.Health/Check", health),
            ("headline", "metrics", "/platform.metrics.v1.MetricsService/GetHeadlineIndicators", basic),
            ("headline-full", "metrics", "/platform.metrics.v1.MetricsService/GetHeadlineIndicators", full),
            ("baseline-catalog", "catalog", "/grpc.health.v1.Health/Check", health),
            ("get-dataset", "catalog", "/platform.catalog.v1.CatalogService/GetDataset", getDataset),
            ("search", "catalog", "/platform.catalog.v1.CatalogService/SearchDatasets", search),
        };
        var manifest = new List<string>();
        foreach (var (name, service, method, request) in entries)
        {
            var file = Path.Combine(directory, name + ".grpc");
            await File.WriteAllBytesAsync(file, Frame(request));
            manifest.Add($"{name}\t{service}\t{options.Targets[service].ToString().TrimEnd('/')}{method}\t{file}");
        }

        await File.WriteAllLinesAsync(Path.Combine(directory, "manifest.tsv"), manifest);
        Console.WriteLine($"{entries.Length} request bodies written to {directory}");
        return 0;
    }

    /// <summary>A gRPC length-prefixed message: a zero byte (not compressed), the big-endian length, the message.</summary>
    public static byte[] Frame(IMessage message)
    {
        var payload = message.ToByteArray();
        var framed = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1, 4), (uint)payload.Length);
        payload.CopyTo(framed, 5);
        return framed;
    }
}
