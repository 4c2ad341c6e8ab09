using System.Diagnostics;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Platform.AppHost;
using Platform.Catalog.V1;
using Platform.Metrics.V1;
using Platform.Testing;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// The load tool against a platform holding national figures: every scenario of its standard set, briefly, then the
/// headline must be as before (the load tests remove what they wrote, or write what no indicator counts).
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class LoadTestFootprintTests(PlatformFixture platform)
{
    [Fact]
    public async Task EveryLoadTestScenarioLeavesTheHeadlineAsItWas()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await CrossServiceTraceTests.CertifiedDatasetAsync(new CatalogService.CatalogServiceClient(platform.Catalog), 7_000_000_000_000);
        var metrics = new MetricsService.MetricsServiceClient(platform.Metrics);
        var before = await SettledAsync(metrics, null, timeout.Token);
        Assert.True(before.Basic.H1CertifiedDatasets.Value >= 1, "the headline counts the certified dataset");

        var (exitCode, output) = await RunLoadToolAsync(timeout.Token);

        Assert.True(exitCode == 0, $"the load tool ended with exit code {exitCode}:\n{output}");
        foreach (var scenario in new[] { "headline", "headline-full", "headline-parsed", "search", "get-dataset", "register", "trade", "token-stream", "freshness" })
        {
            Assert.Contains($"| {scenario} |", output, StringComparison.Ordinal);
        }

        var after = await SettledAsync(metrics, before, timeout.Token);
        Assert.Equal(before.Basic, after.Basic);
        Assert.Equal(before.Full, after.Full);
    }

    private sealed record Headline(HeadlineIndicators Basic, HeadlineIndicators Full);

    /// <summary>
    /// The headline once the events of what came before have been consumed: read until it equals <paramref name="expected"/>
    /// or, without one, until two reads a second apart agree. The snapshot's computation time is left out.
    /// </summary>
    private static async Task<Headline> SettledAsync(MetricsService.MetricsServiceClient metrics, Headline? expected, CancellationToken cancellationToken)
    {
        async Task<Headline> ReadAsync() => new(
            Untimed(await metrics.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = HeadlineView.Basic }, cancellationToken: cancellationToken)),
            Untimed(await metrics.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = HeadlineView.Full }, cancellationToken: cancellationToken)));

        var last = await ReadAsync();
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline;)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var next = await ReadAsync();
            if (expected is null ? next == last : next == expected)
            {
                return next;
            }

            last = next;
        }

        return last;
    }

    /// <summary>The headline without its computation time: the snapshot's as_of and every figure's as_of equal to it.</summary>
    private static HeadlineIndicators Untimed(HeadlineIndicators headline)
    {
        var copy = headline.Clone();
        Clear(copy, headline.AsOf);
        return copy;

        static void Clear(IMessage message, Timestamp computedAt)
        {
            foreach (var field in message.Descriptor.Fields.InDeclarationOrder().Where(f => f.FieldType == FieldType.Message))
            {
                var value = field.Accessor.GetValue(message);
                if (field.Name == "as_of" && computedAt.Equals(value))
                {
                    field.Accessor.Clear(message);
                }
                else if (value is IMessage child)
                {
                    Clear(child, computedAt);
                }
                else if (value is System.Collections.IEnumerable items and not string)
                {
                    foreach (var item in items)
                    {
                        if (item is IMessage element)
                        {
                            Clear(element, computedAt);
                        }
                        else if (item is System.Collections.DictionaryEntry { Value: IMessage entry })
                        {
                            Clear(entry, computedAt);
                        }
                    }
                }
            }
        }
    }

    /// <summary>Runs the repository's load tool (built beside this test by ./test.sh) as an operator would, as its own client (load-test).</summary>
    private async Task<(int ExitCode, string Output)> RunLoadToolAsync(CancellationToken cancellationToken)
    {
        // .../tests/EndToEnd.Tests/bin/<configuration>/<framework>/ → .../tools/Platform.LoadTest/bin/<configuration>/<framework>/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (output.Name, output.Parent!.Name);
        var root = output.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var tool = Path.Combine(root, "tools", "Platform.LoadTest", "bin", configuration, framework, "Platform.LoadTest.dll");
        Assert.True(File.Exists(tool), $"{tool} is built by ./test.sh (dotnet build Platform.sln)");

        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                tool, "--duration", "1", "--warmup", "0", "--concurrency", "4", "--stream-records", "2000", "--write-rate", "20",
                "--catalog", platform.GrpcEndpoint(ResourceNames.Catalog).ToString(),
                "--trading", platform.GrpcEndpoint(ResourceNames.Trading).ToString(),
                "--metrics", platform.GrpcEndpoint(ResourceNames.Metrics).ToString(),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["Identity__Authority"] = platform.Identity.ToString(),
                ["Identity__ClientId"] = "load-test",
                ["Identity__ClientSecret"] = await platform.ClientSecretAsync("load-test", cancellationToken),
            },
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }
}
