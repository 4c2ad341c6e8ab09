using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Platform.Catalog.Benchmark;
using Platform.Catalog.V1;
using Platform.TokenClient;
using Platform.Tooling;

// usage: dotnet run --project tools/Catalog.Benchmark -c Release -- [--target URL] [--datasets N] [--concurrency C] [--duration SECONDS] [--warmup SECONDS]
var options = Options.Parse(args);
Console.WriteLine($"target {options.Target}, {options.Datasets:N0} datasets, {options.Concurrency} concurrent clients, {options.Duration.TotalSeconds:0}s per method");

// Seeding registers datasets, so the benchmark calls as the load-test client (an administrator: it also sees drafts).
using var tokens = ToolCredentials.Resolve("load-test") is { } credentials ? new TokenClient(credentials) : null;
HttpMessageHandler handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan };
using var channel = GrpcChannel.ForAddress(options.Target, new GrpcChannelOptions
{
    HttpHandler = tokens is null ? handler : new BearerTokenHandler(tokens) { InnerHandler = handler },
});
var client = new CatalogService.CatalogServiceClient(channel);

await Seeder.SeedAsync(client, options.Datasets, options.Concurrency * 2);
var ids = await Seeder.SampleIdsAsync(client, 5_000);
Console.WriteLine($"sampled {ids.Count:N0} ids for GetDataset");

var searches = Workload.Searches();
var results = new List<(string Name, Measurement Result)>
{
    ("SearchDatasets+facets", await Workload.RunAsync(options, i => client.SearchDatasetsAsync(searches[(int)(i % searches.Count)]).ResponseAsync)),
    ("GetDataset", await Workload.RunAsync(options, i => client.GetDatasetAsync(new GetDatasetRequest { Id = ids[(int)((uint)(i * 2654435761L) % (uint)ids.Count)] }).ResponseAsync)),
};

Console.WriteLine();
Console.WriteLine($"{"method",-24} {"calls",8} {"errors",7} {"req/s",9} {"p50 ms",8} {"p90 ms",8} {"p99 ms",8} {"max ms",8}");
foreach (var (name, r) in results)
{
    Console.WriteLine($"{name,-24} {r.Calls,8} {r.Errors,7} {r.Throughput,9:F0} {r.P(50),8:F2} {r.P(90),8:F2} {r.P(99),8:F2} {r.Max,8:F2}");
}

internal sealed record Options(Uri Target, int Datasets, int Concurrency, TimeSpan Duration, TimeSpan Warmup)
{
    public static Options Parse(string[] args)
    {
        string Arg(string name, string fallback)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        return new Options(
            new Uri(Arg("target", "http://127.0.0.1:5011")),
            int.Parse(Arg("datasets", "35000"), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(Arg("concurrency", "16"), System.Globalization.CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(double.Parse(Arg("duration", "20"), System.Globalization.CultureInfo.InvariantCulture)),
            TimeSpan.FromSeconds(double.Parse(Arg("warmup", "3"), System.Globalization.CultureInfo.InvariantCulture)));
    }
}

internal sealed class Measurement(List<double> latenciesMs, long errors, TimeSpan elapsed)
{
    private readonly double[] _sorted = [.. latenciesMs.Order()];

    public long Calls => _sorted.Length;
    public long Errors => errors;
    public double Throughput => _sorted.Length / elapsed.TotalSeconds;
    public double Max => _sorted.Length == 0 ? 0 : _sorted[^1];

    public double P(double percentile) =>
        _sorted.Length == 0 ? 0 : _sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * _sorted.Length) - 1, 0, _sorted.Length - 1)];
}

internal static class Workload
{
    /// <summary>A mix of Chinese and English keyword searches (1–4 character CJK terms, English words), with and without filters.</summary>
    public static IReadOnlyList<SearchDatasetsRequest> Searches()
    {
        string[] queries = ["医学影像", "影像", "病历", "金融", "交通流量", "自动驾驶", "古籍", "电网", "气象 观测", "imaging", "traffic", "finance records", "", "数据集", "光伏", "课堂", "基因组", "政务", "农作物", "质检"];
        var requests = new List<SearchDatasetsRequest>();
        var random = new Random(7);
        foreach (var query in queries)
        {
            requests.Add(new SearchDatasetsRequest { Query = query, PageSize = 20 });
            requests.Add(new SearchDatasetsRequest
            {
                Query = query,
                PageSize = 20,
                Filter = new DatasetFilter
                {
                    Domains = { (Domain)random.Next(1, 12) },
                    MinZhShareBp = 6_000,
                },
            });
            requests.Add(new SearchDatasetsRequest
            {
                Query = query,
                PageSize = 20,
                Filter = new DatasetFilter { Statuses = { CertificationStatus.Certified }, Provinces = { Seeder.Provinces[random.Next(Seeder.Provinces.Length)].Code } },
            });
        }

        return requests;
    }

    public static async Task<Measurement> RunAsync<T>(Options options, Func<long, Task<T>> call)
    {
        long counter = 0;
        long errors = 0;
        var warmupEnds = Stopwatch.GetTimestamp() + (long)(options.Warmup.TotalSeconds * Stopwatch.Frequency);
        var perWorker = Enumerable.Range(0, options.Concurrency).Select(_ => new List<double>(100_000)).ToArray();
        var started = Stopwatch.GetTimestamp();
        var ends = warmupEnds + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(perWorker.Select(latencies => Task.Run(async () =>
        {
            while (true)
            {
                var before = Stopwatch.GetTimestamp();
                if (before >= ends)
                {
                    return;
                }

                try
                {
                    await call(Interlocked.Increment(ref counter));
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref errors);
                }

                var after = Stopwatch.GetTimestamp();
                if (before >= warmupEnds)
                {
                    latencies.Add((after - before) * 1000.0 / Stopwatch.Frequency);
                }
            }
        })));
        _ = started;
        return new Measurement(perWorker.SelectMany(l => l).ToList(), errors, options.Duration);
    }
}
