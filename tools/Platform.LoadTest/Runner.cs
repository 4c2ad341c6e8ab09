using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Grpc.Core;
using Grpc.Net.Client;

using Platform.Tooling;

namespace Platform.LoadTest;

/// <summary>Result of one scenario: throughput, latency percentiles (ms) and the count of every status.</summary>
public sealed record ScenarioResult(
    string Scenario,
    string Service,
    string Mode,
    int Concurrency,
    int Connections,
    double Seconds,
    long Calls,
    long Items,
    double CallsPerSecond,
    double ItemsPerSecond,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    double MaxMs,
    IReadOnlyDictionary<string, long> Statuses)
{
    /// <summary>
    /// Throughput relative to the baseline of the same service, measured right before this scenario (on a shared
    /// machine the empty call's rate drifts by ±15 % over minutes, so a baseline from the start of the run would not do).
    /// </summary>
    public double? ThroughputVsBaseline { get; init; }

    /// <summary>That adjacent baseline's calls/s and p99.</summary>
    public double? BaselineCallsPerSecond { get; init; }
    public double? BaselineP99Ms { get; init; }
    public double? P99VsBaseline { get; init; }
    public long NonOk => Statuses.Where(s => s.Key != "OK").Sum(s => s.Value);
}

public static class Runner
{
    public static GrpcChannel[] OpenChannels(Uri target, int connections, int traceEvery, bool authenticated) =>
        Enumerable.Range(0, connections).Select(_ => ToolChannels.Open(target, traceEvery, authenticated)).ToArray();

    /// <summary>The scenario's calls (the first row), then the rows of its probe, measured beside those calls.</summary>
    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(Scenario scenario, GrpcChannel[] channels, LoadOptions options)
    {
        await scenario.SetupAsync(channels[0], options);
        if (options.WarmUp > TimeSpan.Zero)
        {
            await MeasureAsync(scenario, channels, options, options.WarmUp);
        }

        using var stopProbe = new CancellationTokenSource();
        var probe = scenario.ProbeAsync(options, stopProbe.Token);
        ScenarioResult load;
        try
        {
            load = await MeasureAsync(scenario, channels, options, options.Duration);
        }
        finally
        {
            await stopProbe.CancelAsync();
        }

        return [load, .. await probe];
    }

    /// <summary>
    /// Runs <paramref name="scenario"/> unmeasured: before the first measurement, so that the client's own start-up
    /// (JIT, thread pool growth, connections) does not fall into the first baseline and skew every ratio against it.
    /// </summary>
    public static Task WarmUpClientAsync(Scenario scenario, GrpcChannel[] channels, LoadOptions options) =>
        MeasureAsync(scenario, channels, options, options.WarmUp * 2);

    private static async Task<ScenarioResult> MeasureAsync(Scenario scenario, GrpcChannel[] channels, LoadOptions options, TimeSpan duration)
    {
        var statuses = new ConcurrentDictionary<string, long>();
        var latencies = new ConcurrentBag<List<long>>();
        long items = 0;
        var concurrency = scenario.MaxConcurrency is { } max ? Math.Min(max, options.Concurrency) : options.Concurrency;
        var openLoop = options.Rate > 0;
        var clock = Stopwatch.StartNew();
        var end = duration;
        long sequence = -1;

        async Task Worker(int worker)
        {
            var mine = new List<long>(4096);
            latencies.Add(mine);
            var channel = channels[worker % channels.Length];
            while (true)
            {
                var n = Interlocked.Increment(ref sequence);
                TimeSpan intended;
                if (openLoop)
                {
                    // Open loop: call n is due at n / rate; latency counts from then, so a slow server cannot
                    // hide its queueing by slowing the client down (no coordinated omission).
                    intended = TimeSpan.FromSeconds(n / options.Rate);
                    if (intended >= end)
                    {
                        return;
                    }

                    var wait = intended - clock.Elapsed;
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait);
                    }
                }
                else
                {
                    intended = clock.Elapsed;
                    if (intended >= end)
                    {
                        return;
                    }
                }

                string status;
                try
                {
                    Interlocked.Add(ref items, await scenario.ExecuteAsync(channel, worker, n));
                    status = "OK";
                }
                catch (RpcException ex)
                {
                    status = ex.StatusCode.ToString().ToUpperInvariant();
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
                {
                    status = "CLIENT_" + ex.GetType().Name.ToUpperInvariant();
                }

                mine.Add((clock.Elapsed - intended).Ticks);
                statuses.AddOrUpdate(status, 1, (_, c) => c + 1);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(() => Worker(w))));
        var seconds = clock.Elapsed.TotalSeconds;

        return Summarize(
            scenario.Name,
            scenario.Service,
            openLoop ? $"open {options.Rate:0}/s" : "closed",
            concurrency,
            channels.Length,
            clock.Elapsed,
            latencies.SelectMany(l => l).ToArray(),
            items,
            statuses);
    }

    /// <summary>A result row from the latencies (ticks) of every call, in any order.</summary>
    public static ScenarioResult Summarize(
        string name, string service, string mode, int concurrency, int connections, TimeSpan elapsed, long[] latencyTicks, long items,
        IEnumerable<KeyValuePair<string, long>> statuses)
    {
        var all = (long[])latencyTicks.Clone();
        Array.Sort(all);
        var seconds = elapsed.TotalSeconds;
        var calls = all.LongLength;
        return new ScenarioResult(
            name,
            service,
            mode,
            concurrency,
            connections,
            Math.Round(seconds, 2),
            calls,
            items,
            seconds > 0 ? Math.Round(calls / seconds, 1) : 0,
            seconds > 0 ? Math.Round(items / seconds, 1) : 0,
            Math.Round(Percentile(all, 0.50), 3),
            Math.Round(Percentile(all, 0.90), 3),
            Math.Round(Percentile(all, 0.99), 3),
            Math.Round(all.Length == 0 ? 0 : TimeSpan.FromTicks(all[^1]).TotalMilliseconds, 3),
            new SortedDictionary<string, long>(statuses.ToDictionary(s => s.Key, s => s.Value)));
    }

    /// <summary>The nearest-rank percentile <paramref name="p"/> (0..1] of sorted ticks, in milliseconds; 0 when there are none.</summary>
    public static double Percentile(long[] sortedTicks, double p) =>
        sortedTicks.Length == 0
            ? 0
            : TimeSpan.FromTicks(sortedTicks[Math.Clamp((int)Math.Ceiling(p * sortedTicks.Length) - 1, 0, sortedTicks.Length - 1)]).TotalMilliseconds;
}
