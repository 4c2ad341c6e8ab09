using System.Collections.Concurrent;
using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Platform.Catalog.V1;
using Platform.Metrics.V1;
using Platform.ScenarioLoader.Plan;
using Platform.Trading.V1;

namespace Platform.ScenarioLoader.Loading;

public sealed record LoaderOptions(Uri Catalog, Uri Trading, Uri Metrics, int Seed, int Scale, int Concurrency, TimeSpan CatchUpTimeout);

/// <summary>
/// Loads a <see cref="ScenarioPlan"/> through the services' public gRPC APIs only. Every write carries a request id
/// derived from the seed and the record, so a second run stores nothing twice.
/// </summary>
public sealed class ScenarioRunner(LoaderOptions options, ScenarioPlan plan)
{
    private const int TokenUsagesPerMessage = 10_000;

    // 200 registrations are ~100 KB of request, well under the 4 MB message limit; a few batches in flight keep
    // both cores busy without piling up row locks.
    private const int DatasetsPerBatch = 200;
    private const int DatasetBatchesInFlight = 4;

    private readonly string _prefix = plan.RequestPrefix;
    private readonly string[] _datasetIds = new string[plan.Datasets.Count];
    private readonly string[] _listingIds = new string[plan.Listings.Count];

    public async Task<TimeSpan> RunAsync(CancellationToken cancellationToken)
    {
        using var clients = new PlatformClients(options);
        var (catalog, trading, metrics) = (clients.Catalog, clients.Trading, clients.Metrics);
        var clock = Stopwatch.StartNew();

        // Reports that need nothing else go first, beside the catalog work.
        var reports = Task.Run(() => ReportTokensAndCorporaAsync(metrics, cancellationToken), cancellationToken);
        await CertifyDatasetsAsync(catalog, cancellationToken);
        var evaluations = Task.Run(() => EvaluateAsync(catalog, cancellationToken), cancellationToken);
        await ListAsync(trading, cancellationToken);
        await TradeAsync(trading, cancellationToken);
        await reports;
        await evaluations;
        await WaitForMetricsAsync(metrics, cancellationToken);
        return clock.Elapsed;
    }

    /// <summary>
    /// Registers and submits the datasets in one write each (<c>submit_for_certification</c>), then certifies them, through
    /// the batch RPCs (all-or-nothing per call, request ids per item, so a rerun stores nothing twice).
    /// </summary>
    private async Task CertifyDatasetsAsync(CatalogService.CatalogServiceClient catalog, CancellationToken ct)
    {
        var inFlight = Math.Min(options.Concurrency, DatasetBatchesInFlight);
        var pending = new ConcurrentBag<int>();
        await using (var progress = new Progress("datasets registered and submitted", plan.Datasets.Count))
        {
            await Calls.ForEachChunkAsync(plan.Datasets, DatasetsPerBatch, inFlight, progress, async (chunk, token) =>
            {
                var datasets = await RegisterAndSubmitAsync(catalog, chunk, token);
                for (var k = 0; k < chunk.Length; k++)
                {
                    _datasetIds[chunk[k].Index] = datasets[k].Id;
                    if (datasets[k].Status != CertificationStatus.Certified)
                    {
                        pending.Add(chunk[k].Index);
                    }
                }
            }, ct);
        }

        // Certified in the order registered (and submitted), so the datasets of one certify batch leave their notice
        // period together.
        var toCertify = pending.Order().ToArray();

        // The notice period (shortened by configuration for the scenario) runs from submission; certifying too early
        // is FAILED_PRECONDITION (for the whole batch), which is retried until the period has passed.
        await using (var progress = new Progress("datasets certified", toCertify.Length))
        {
            await Calls.ForEachChunkAsync(toCertify, DatasetsPerBatch, inFlight, progress, (chunk, token) =>
            {
                var request = new BatchCertifyDatasetsRequest
                {
                    Requests = { chunk.Select(i => new CertifyDatasetRequest { RequestId = $"{_prefix}-ds{i}-certify", Id = _datasetIds[i] }) },
                };
                return Calls.RetryAsync(() => catalog.BatchCertifyDatasetsAsync(request, cancellationToken: token).ResponseAsync, token, retryPrecondition: true);
            }, ct);
        }
    }

    /// <summary>
    /// One batch's registrations, submitted in the same write. A platform loaded by an earlier loader, which registered
    /// and then submitted in two calls, holds these request ids for registrations without the flag: ALREADY_EXISTS, so
    /// the batch is replayed the earlier way (its stored registrations, then its submissions), storing nothing twice.
    /// </summary>
    private async Task<IList<Dataset>> RegisterAndSubmitAsync(CatalogService.CatalogServiceClient catalog, DatasetPlan[] chunk, CancellationToken token)
    {
        var request = new BatchRegisterDatasetsRequest { Requests = { chunk.Select(d => PlanRequests.Registration(_prefix, d, submit: true)) } };
        try
        {
            return (await Calls.RetryAsync(() => catalog.BatchRegisterDatasetsAsync(request, cancellationToken: token).ResponseAsync, token)).Datasets;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.AlreadyExists)
        {
            var registered = new BatchRegisterDatasetsRequest { Requests = { chunk.Select(d => PlanRequests.Registration(_prefix, d, submit: false)) } };
            var datasets = (await Calls.RetryAsync(() => catalog.BatchRegisterDatasetsAsync(registered, cancellationToken: token).ResponseAsync, token)).Datasets;
            var drafts = Enumerable.Range(0, chunk.Length).Where(k => datasets[k].Status == CertificationStatus.Draft).ToArray();
            if (drafts.Length > 0)
            {
                var submit = new BatchSubmitForCertificationRequest
                {
                    Requests = { drafts.Select(k => new SubmitForCertificationRequest { RequestId = $"{_prefix}-ds{chunk[k].Index}-submit", Id = datasets[k].Id }) },
                };
                await Calls.RetryAsync(() => catalog.BatchSubmitForCertificationAsync(submit, cancellationToken: token).ResponseAsync, token);
            }

            return datasets;
        }
    }

    /// <summary>
    /// Records the planned evaluations of the certified datasets (one call each, request ids per evaluation): every
    /// dataset's first evaluation, then every second one, and so on. An evaluation locks its dataset's row (to recompute
    /// the dataset's summary), so calls in flight together are kept on different datasets; in plan order a dataset's two
    /// or three evaluations went out together and their write groups waited for each other's locks (and deadlocked).
    /// </summary>
    private async Task EvaluateAsync(CatalogService.CatalogServiceClient catalog, CancellationToken ct)
    {
        await using var progress = new Progress("evaluations recorded", plan.Evaluations.Count);
        var spread = plan.Evaluations.GroupBy(e => e.DatasetIndex)
            .SelectMany(g => g.Select((e, round) => (e, round)))
            .OrderBy(x => x.round).ThenBy(x => x.e.Index)
            .Select(x => x.e);
        await Calls.ForEachAsync(spread, options.Concurrency, progress, (e, token) =>
        {
            var request = new RecordEvaluationRequest
            {
                RequestId = $"{_prefix}-ev{e.Index}",
                DatasetId = _datasetIds[e.DatasetIndex],
                Model = e.Model,
                Task = "held-out test set accuracy",
                Metric = EvaluationMetric.Accuracy,
                ScoreWithout = e.ScoreWithout,
                ScoreWith = e.ScoreWith,
                TestSet = "national held-out benchmark 2025",
                Evaluator = "国家数据质量评测中心",
                EvaluatedAt = Timestamp.FromDateTimeOffset(e.EvaluatedAt),
                MethodNote = "fine-tuned on the dataset; mean of 3 seeds",
            };
            return Calls.RetryAsync(() => catalog.RecordEvaluationAsync(request, cancellationToken: token).ResponseAsync, token);
        }, ct);
    }

    /// <summary>
    /// Lists through BatchCreateListings (all-or-nothing per call, request ids per item, so a rerun, or a run after an
    /// older one-call-per-listing run, stores nothing twice).
    /// </summary>
    private async Task ListAsync(TradingService.TradingServiceClient trading, CancellationToken ct)
    {
        // 200 listings are ~30 KB of request and two catalog BatchGetDatasets calls inside trading.
        const int ListingsPerBatch = 200;
        const int ListingBatchesInFlight = 4;
        await using var progress = new Progress("listings", plan.Listings.Count);
        await Calls.ForEachChunkAsync(plan.Listings, ListingsPerBatch, Math.Min(options.Concurrency, ListingBatchesInFlight), progress, async (chunk, token) =>
        {
            var request = new BatchCreateListingsRequest { Requests = { chunk.Select(l => PlanRequests.Listing(_prefix, _datasetIds, l)) } };
            var response = await Calls.RetryAsync(() => trading.BatchCreateListingsAsync(request, cancellationToken: token).ResponseAsync, token);
            for (var k = 0; k < chunk.Length; k++)
            {
                _listingIds[chunk[k].Index] = response.Listings[k].Id;
            }
        }, ct);
    }

    private async Task TradeAsync(TradingService.TradingServiceClient trading, CancellationToken ct)
    {
        await using var progress = new Progress("trades settled", plan.Trades.Count);
        await Calls.ForEachAsync(plan.Trades, options.Concurrency, progress, async (t, token) =>
        {
            var id = $"{_prefix}-t{t.Index}";
            var trade = t.Kind == TradeKind.EquityContribution
                ? await Calls.RetryAsync(() => trading.RecordEquityContributionAsync(new RecordEquityContributionRequest
                {
                    RequestId = id,
                    ListingId = _listingIds[t.ListingIndex],
                    ReceivingCompany = t.ReceivingCompany,
                    ValuationFen = t.AmountFen,
                    EquityShareBps = t.EquityShareBasisPoints,
                    RecordedAt = Timestamp.FromDateTimeOffset(t.PlacedAt),
                }, cancellationToken: token).ResponseAsync, token)
                : await Calls.RetryAsync(() => trading.PlaceTradeAsync(new PlaceTradeRequest
                {
                    RequestId = id,
                    ListingId = _listingIds[t.ListingIndex],
                    Type = t.Kind == TradeKind.Subscription ? TradeType.Subscription : TradeType.Purchase,
                    AmountFen = t.AmountFen,
                    Buyer = "scenario buyer",
                    PlacedAt = Timestamp.FromDateTimeOffset(t.PlacedAt),
                }, cancellationToken: token).ResponseAsync, token);

            // Each step is idempotent by its own request id: on a second run they return the settled trade.
            await Calls.RetryAsync(() => trading.ConfirmPaymentAsync(new ConfirmPaymentRequest
            {
                RequestId = id + "-pay", TradeId = trade.Id, PaidAt = Timestamp.FromDateTimeOffset(t.PlacedAt.AddHours(1)),
            }, cancellationToken: token).ResponseAsync, token);
            await Calls.RetryAsync(() => trading.ConfirmDeliveryAsync(new ConfirmDeliveryRequest
            {
                RequestId = id + "-deliver", TradeId = trade.Id, DeliveredAt = Timestamp.FromDateTimeOffset(t.SettledAt.AddHours(-1)),
            }, cancellationToken: token).ResponseAsync, token);
            await Calls.RetryAsync(() => trading.SettleTradeAsync(new SettleTradeRequest
            {
                RequestId = id + "-settle", TradeId = trade.Id, SettledAt = Timestamp.FromDateTimeOffset(t.SettledAt),
            }, cancellationToken: token).ResponseAsync, token);
        }, ct);
    }

    private async Task ReportTokensAndCorporaAsync(MetricsService.MetricsServiceClient metrics, CancellationToken ct)
    {
        // Re-sending a provider/model/day replaces the stored figure, so a second run changes nothing.
        using var call = metrics.ReportTokenUsage(cancellationToken: ct);
        foreach (var chunk in plan.TokenUsage.Chunk(TokenUsagesPerMessage))
        {
            var message = new ReportTokenUsageRequest();
            message.Usages.AddRange(chunk.Select(u => new TokenUsage
            {
                Provider = u.Provider,
                Model = u.Model,
                Day = u.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                Tokens = u.Tokens,
            }));
            await call.RequestStream.WriteAsync(message, ct);
        }

        await call.RequestStream.CompleteAsync();
        await call;

        foreach (var corpus in plan.Corpora)
        {
            await Calls.RetryAsync(() => metrics.ReportTrainingCorpusAsync(new ReportTrainingCorpusRequest
            {
                Provider = corpus.Provider,
                Model = corpus.Model,
                TotalTokens = corpus.TotalTokens,
                ChineseTokens = corpus.ChineseTokens,
                AsOf = Timestamp.FromDateTimeOffset(corpus.AsOf),
            }, cancellationToken: ct).ResponseAsync, ct);
        }
    }

    /// <summary>Waits until metrics has consumed the events of everything loaded (its figures stop short until then).</summary>
    private async Task WaitForMetricsAsync(MetricsService.MetricsServiceClient metrics, CancellationToken ct)
    {
        var hqAmount = plan.Trades.Where(t => t.HighQuality).Sum(t => t.AmountFen);
        var listed = plan.Listings.Where(l => l.DatasetIndex is not null).Sum(l => l.VolumeBytes);
        var deadline = DateTime.UtcNow + options.CatchUpTimeout;
        await using var progress = new Progress("metrics caught up", 1);
        while (true)
        {
            var headline = await Calls.RetryAsync(() => metrics.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest(), cancellationToken: ct).ResponseAsync, ct);
            if (headline.H1CertifiedDatasets.Value >= plan.Datasets.Count
                && headline.H3HighQualityTradeAmount.Value >= hqAmount
                && headline.H4ListedVolume.Value >= listed
                && headline.H9EvaluationUplift?.EvaluationCount >= plan.Evaluations.Count)
            {
                progress.Add();
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"metrics did not catch up in {options.CatchUpTimeout.TotalSeconds:0}s: H1 {headline.H1CertifiedDatasets.Value}, H3 {headline.H3HighQualityTradeAmount.Value}, H4 {headline.H4ListedVolume.Value}, H9 {headline.H9EvaluationUplift?.EvaluationCount} evaluations");
            }

            await Task.Delay(250, ct);
        }
    }
}
