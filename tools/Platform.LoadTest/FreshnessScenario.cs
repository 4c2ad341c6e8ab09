using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Platform.Catalog.V1;
using Platform.Metrics.V1;

using Platform.Tooling;

namespace Platform.LoadTest;

/// <summary>
/// Freshness under load: the calls are headline reads (at the configured concurrency) while registrations run at
/// <see cref="LoadOptions.WriteRate"/> and, one at a time, a dataset is certified through the catalog. For each
/// certification it measures the time from CertifyDataset's OK to the first WatchHeadlineIndicators snapshot whose
/// H1 counts it. H1 is a count, so a certification is attributed by level: certifications run one at a time, each
/// only after the previous one is counted, and the next snapshot with H1 at least one above the count seen before
/// the call is the one that includes it. (Anything else certifying or retiring at the same time would blur this.)
/// Datasets are registered and submitted ahead, so that their public notice has passed when their turn comes.
/// At the end the certified datasets are retired and the remaining submitted ones rejected, so H1 and H2 return to
/// their figures before the run.
/// </summary>
public sealed class FreshnessScenario : Scenario
{
    /// <summary>Datasets kept in public notice ahead of their certification.</summary>
    private const int Ahead = 64;
    private const int RegisterWorkers = 16;
    private static readonly TimeSpan ReflectTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LongestNotice = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CertifyRetryFor = TimeSpan.FromSeconds(10);

    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly Queue<Dataset> _submitted = new();
    private readonly List<string> _certified = [];
    private GrpcChannel _metrics = null!;
    private GrpcChannel _catalogChannel = null!;
    private long _created;

    public override string Name => "freshness";
    public override string Service => "metrics";

    private CatalogService.CatalogServiceClient Catalog => new(_catalogChannel);

    public override async Task SetupAsync(GrpcChannel channel, LoadOptions options)
    {
        _metrics = channel;
        _catalogChannel = ToolChannels.Open(options.Targets["catalog"], options.TraceEvery);
        var first = await SubmitNewAsync();
        var notice = first.NoticeEndsAt.ToDateTimeOffset() - first.NoticeStartedAt.ToDateTimeOffset();
        if (notice > LongestNotice)
        {
            throw new InvalidOperationException(
                $"the catalog's public notice period is {notice}; the freshness scenario needs a short one (the AppHost sets Platform:CertificationNoticePeriod to 2 s)");
        }

        while (_submitted.Count < Ahead)
        {
            await SubmitNewAsync();
        }
    }

    private static readonly GetHeadlineIndicatorsRequest HeadlineRequest = new();

    public override async Task<long> ExecuteAsync(GrpcChannel channel, int worker, long sequence)
    {
        await new MetricsService.MetricsServiceClient(channel).GetHeadlineIndicatorsAsync(HeadlineRequest);
        return 1;
    }

    public override async Task<IReadOnlyList<ScenarioResult>> ProbeAsync(LoadOptions options, CancellationToken stop)
    {
        var registering = options.WriteRate > 0 ? RegisterInBackgroundAsync(options.WriteRate, stop) : Task.FromResult<ScenarioResult?>(null);
        var freshness = await MeasureFreshnessAsync(stop);
        var registrations = await registering;
        await CleanUpAsync();
        return registrations is null ? [freshness] : [freshness, registrations];
    }

    private async Task<ScenarioResult> MeasureFreshnessAsync(CancellationToken stop)
    {
        var tracker = new CountTracker();
        var statuses = new ConcurrentDictionary<string, long>();
        var latencies = new List<long>();
        var started = Stopwatch.GetTimestamp();
        using var endWatch = new CancellationTokenSource();
        var watching = HeadlineWatch.FollowAsync(new MetricsService.MetricsServiceClient(_metrics), tracker, statuses, endWatch.Token);
        try
        {
            if (await tracker.FirstAtLeastAsync(long.MinValue, 0, ReflectTimeout, stop) is null)
            {
                throw new InvalidOperationException("WatchHeadlineIndicators sent no snapshot in 10 s");
            }

            while (!stop.IsCancellationRequested)
            {
                if (!await TopUpAsync(statuses))
                {
                    await Task.Delay(100, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    continue;
                }

                var dataset = _submitted.Dequeue();
                var wait = dataset.NoticeEndsAt.ToDateTimeOffset() - DateTimeOffset.UtcNow;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    if (stop.IsCancellationRequested)
                    {
                        _submitted.Enqueue(dataset);
                        break;
                    }
                }

                var (status, level, mark) = await CertifyAsync(dataset.Id, tracker);
                if (status != "OK")
                {
                    statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                    continue;
                }

                var certifiedAt = Stopwatch.GetTimestamp();
                _certified.Add(dataset.Id);
                // Not cut short by the end of the run: the last certification is measured to the end too.
                var seenAt = await tracker.FirstAtLeastAsync(level, mark, ReflectTimeout);
                if (seenAt is { } seen)
                {
                    latencies.Add(seen > certifiedAt ? Stopwatch.GetElapsedTime(certifiedAt, seen).Ticks : 0);
                    statuses.AddOrUpdate("OK", 1, (_, n) => n + 1);
                }
                else
                {
                    statuses.AddOrUpdate("NOT_COUNTED_IN_10S", 1, (_, n) => n + 1);
                }
            }
        }
        finally
        {
            await endWatch.CancelAsync();
            await watching;
        }

        return Runner.Summarize(
            "freshness:h1", "metrics", "watch, 1 at a time", 1, 1, Stopwatch.GetElapsedTime(started), [.. latencies], latencies.Count, statuses);
    }

    /// <summary>
    /// Certifies, retrying while the catalog still sees the notice running (FAILED_PRECONDITION); returns the status,
    /// the H1 level that counts this dataset and the watch position before the successful call.
    /// </summary>
    private async Task<(string Status, long Level, int Mark)> CertifyAsync(string id, CountTracker tracker)
    {
        var giveUp = Stopwatch.GetTimestamp() + (long)(CertifyRetryFor.TotalSeconds * Stopwatch.Frequency);
        for (var attempt = 0; ; attempt++)
        {
            var mark = tracker.Mark();
            var level = tracker.Latest!.Value + 1;
            try
            {
                // A new request id per attempt: a request id remembers its first outcome.
                await Catalog.CertifyDatasetAsync(new CertifyDatasetRequest { RequestId = $"loadtest-{_run}-certify-{id}-{attempt}", Id = id });
                return ("OK", level, mark);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition && Stopwatch.GetTimestamp() < giveUp)
            {
                await Task.Delay(50);
            }
            catch (RpcException ex)
            {
                return ("CERTIFY_" + ex.StatusCode.ToString().ToUpperInvariant(), 0, 0);
            }
        }
    }

    /// <summary>Registrations paced at <paramref name="rate"/> per second (open loop) until <paramref name="stop"/>.</summary>
    private async Task<ScenarioResult?> RegisterInBackgroundAsync(double rate, CancellationToken stop)
    {
        var statuses = new ConcurrentDictionary<string, long>();
        var latencies = new ConcurrentBag<long>();
        var clock = Stopwatch.StartNew();
        long sequence = -1;

        async Task Worker()
        {
            while (true)
            {
                var intended = TimeSpan.FromSeconds(Interlocked.Increment(ref sequence) / rate);
                var wait = intended - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }

                if (stop.IsCancellationRequested)
                {
                    return;
                }

                string status;
                try
                {
                    await Catalog.RegisterDatasetAsync(NewDataset("load"));
                    status = "OK";
                }
                catch (RpcException ex)
                {
                    status = ex.StatusCode.ToString().ToUpperInvariant();
                }

                latencies.Add((clock.Elapsed - intended).Ticks);
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, RegisterWorkers).Select(_ => Task.Run(Worker)));
        return Runner.Summarize(
            "freshness:register", "catalog", $"open {rate:0}/s", RegisterWorkers, 1, clock.Elapsed, [.. latencies], latencies.Count, statuses);
    }

    /// <summary>Keeps <see cref="Ahead"/> datasets in notice; false when none is left because submitting failed.</summary>
    private async Task<bool> TopUpAsync(ConcurrentDictionary<string, long> statuses)
    {
        while (_submitted.Count < Ahead)
        {
            try
            {
                await SubmitNewAsync();
            }
            catch (RpcException ex)
            {
                statuses.AddOrUpdate("SUBMIT_" + ex.StatusCode.ToString().ToUpperInvariant(), 1, (_, n) => n + 1);
                break;
            }
        }

        return _submitted.Count > 0;
    }

    private async Task<Dataset> SubmitNewAsync()
    {
        var dataset = await Catalog.RegisterDatasetAsync(NewDataset("certify"));
        var submitted = await Catalog.SubmitForCertificationAsync(new SubmitForCertificationRequest
        {
            RequestId = $"loadtest-{_run}-submit-{dataset.Id}",
            Id = dataset.Id,
        });
        _submitted.Enqueue(submitted);
        return submitted;
    }

    private RegisterDatasetRequest NewDataset(string purpose)
    {
        var n = Interlocked.Increment(ref _created);
        return SyntheticDatasets.Registration($"loadtest-{_run}-{purpose}-{n}", $"时效压测数据集 freshness load test {_run}-{purpose}-{n}", n);
    }

    /// <summary>Leaves the figures as they were: retires what the run certified and rejects what it left in notice.</summary>
    private async Task CleanUpAsync()
    {
        var failures = 0;
        foreach (var id in _certified)
        {
            failures += await TryAsync(() => Catalog.RetireDatasetAsync(
                new RetireDatasetRequest { RequestId = $"loadtest-{_run}-retire-{id}", Id = id, Reason = "freshness load test clean-up" }).ResponseAsync);
        }

        while (_submitted.TryDequeue(out var dataset))
        {
            failures += await TryAsync(() => Catalog.RejectDatasetAsync(
                new RejectDatasetRequest { RequestId = $"loadtest-{_run}-reject-{dataset.Id}", Id = dataset.Id, Reason = "freshness load test clean-up" }).ResponseAsync);
        }

        if (failures > 0)
        {
            Console.Error.WriteLine($"freshness clean-up: {failures} dataset(s) of run {_run} could not be retired or rejected");
        }

        _certified.Clear();
    }

    private static async Task<int> TryAsync(Func<Task<Dataset>> call)
    {
        try
        {
            await call();
            return 0;
        }
        catch (RpcException)
        {
            return 1;
        }
    }
}
