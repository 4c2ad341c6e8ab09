using System.Diagnostics;
using Grpc.Net.Client;
using Platform.Metrics.V1;
using Platform.TokenClient;
using Platform.Tooling;

// usage: dotnet run -c Release --project tools/Metrics.Benchmark -- [address] [records] [reports-per-message] [rounds]
// Every round sends the same keys with new figures: the first round inserts, the later ones replace.
var address = args.Length > 0 ? args[0] : "http://127.0.0.1:45031";
var records = args.Length > 1 ? int.Parse(args[1]) : 1_000_000;
var perMessage = args.Length > 2 ? int.Parse(args[2]) : 5_000;
var rounds = args.Length > 3 ? int.Parse(args[3]) : 2;

// Built before timing, so the figure is the service's ingestion rate rather than the generator's.
const int Providers = 20, Models = 50;
var firstDay = new DateOnly(2022, 1, 1);
var days = Enumerable.Range(0, 1_100).Select(d => firstDay.AddDays(d).ToString("yyyy-MM-dd")).ToArray();
var messages = new List<ReportTokenUsageRequest>();
var current = new ReportTokenUsageRequest();
for (var i = 0; i < records; i++)
{
    current.Usages.Add(new TokenUsage
    {
        Provider = $"provider-{i % Providers}",
        Model = $"model-{i / Providers % Models}",
        Day = days[i / (Providers * Models) % days.Length],
        Tokens = 1_000_000L + i,
    });
    if (current.Usages.Count == perMessage)
    {
        messages.Add(current);
        current = new ReportTokenUsageRequest();
    }
}

if (current.Usages.Count > 0)
{
    messages.Add(current);
}

// Reports need the reporter's right: the benchmark calls as the load-test client.
using var tokens = ToolCredentials.Resolve("load-test") is { } credentials ? new TokenClient(credentials) : null;
using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
{
    MaxSendMessageSize = 16 * 1024 * 1024,
    HttpHandler = tokens is null ? new SocketsHttpHandler() : new BearerTokenHandler(tokens) { InnerHandler = new SocketsHttpHandler() },
});
var client = new MetricsService.MetricsServiceClient(channel);
Console.WriteLine($"{records:N0} token-usage reports in {messages.Count} messages of up to {perMessage}, {rounds} round(s), to {address}");
for (var round = 1; round <= rounds; round++)
{
    if (round > 1)
    {
        foreach (var usage in messages.SelectMany(m => m.Usages))
        {
            usage.Tokens++;
        }
    }

    var started = Stopwatch.GetTimestamp();
    using var call = client.ReportTokenUsage();
    foreach (var message in messages)
    {
        await call.RequestStream.WriteAsync(message);
    }

    await call.RequestStream.CompleteAsync();
    var response = await call;
    var elapsed = Stopwatch.GetElapsedTime(started);
    Console.WriteLine(
        $"round {round}: received {response.Received:N0}, stored {response.Stored:N0} in {elapsed.TotalSeconds:F2} s = {response.Received / elapsed.TotalSeconds:N0} records/s");
}
