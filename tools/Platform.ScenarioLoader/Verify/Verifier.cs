using System.Diagnostics;
using Platform.Catalog.V1;
using Platform.Metrics.V1;
using Platform.ScenarioLoader.Loading;
using Platform.ScenarioLoader.Plan;
using Platform.Trading.V1;

namespace Platform.ScenarioLoader.Verify;

/// <summary>
/// Recomputes H1–H9 from the catalog's and trading's public list APIs (read-only calls) and compares them with
/// what the metrics service serves. Token usage and training corpora are stored only by metrics, so H6 is
/// recomputed from metrics' own daily series and H7 from the loader's deterministic plan (the plan just loaded, or the
/// one generated again from the seed).
/// </summary>
public sealed class Verifier(LoaderOptions options, IReadOnlyList<CorpusPlan>? plannedCorpora = null)
{
    private const int MaxPageSize = 1_000; // every List method's maximum
    private const int Concurrency = 8;

    // Every certified dataset has a domain (SubmitForCertification requires one), so these partitions cover them all;
    // the run still checks that against the unpartitioned total.
    private static readonly Domain[] Domains = Enum.GetValues<Domain>().Where(d => d != Domain.Unspecified).ToArray();

    public sealed record Result(
        IReadOnlyList<VerificationTable.Row> Rows,
        TimeSpan Elapsed,
        int DatasetsListed,
        int ListingsListed,
        int TradesListed,
        IReadOnlyDictionary<string, TimeSpan> Timings);

    public async Task<Result> RunAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var clients = new PlatformClients(options);
        var (catalog, trading, metrics) = (clients.Catalog, clients.Trading, clients.Metrics);

        var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(Recomputation.ReportingOffset).DateTime);
        var timings = new System.Collections.Concurrent.ConcurrentDictionary<string, TimeSpan>();
        async Task<T> Timed<T>(string what, Task<T> task)
        {
            var result = await task;
            timings[what] = clock.Elapsed;
            return result;
        }

        // Every listing at once: they are independent, and the catalog's is the long one.
        var datasets = Timed("catalog datasets", ListCertifiedDatasetsAsync(catalog, ct));
        var bases = catalog.ListAnnotationBasesAsync(new ListAnnotationBasesRequest(), cancellationToken: ct).ResponseAsync;
        var market = Timed("trading", ListMarketAsync(trading, ct));
        var evaluations = Timed("catalog evaluations", ListEvaluationsAsync(catalog, ct));
        var plan = Timed("plan", plannedCorpora is null ? Task.Run(() => ScenarioGenerator.Generate(options.Seed, ScenarioTargets.Scaled(options.Scale)).Corpora, ct) : Task.FromResult(plannedCorpora));
        var headline = metrics.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = HeadlineView.Full }, cancellationToken: ct).ResponseAsync;
        var allDays = Series(metrics, Granularity.Day, "2024-01-01", Recomputation.Day(today), ct);
        var months = Series(metrics, Granularity.Month, "2024-01-01", "2025-06-30", ct);
        var days = Timed("metrics", Series(metrics, Granularity.Day, "2024-01-01", "2025-06-30", ct));
        await Task.WhenAll(datasets, bases, market, evaluations, plan, headline, allDays, months, days);

        var (certified, datasetSource) = await datasets;
        var (listings, trades) = await market;
        var points = (await allDays).Points;
        var recomputed = new RecomputedFigures(
            Recomputation.Certified(certified),
            datasetSource,
            (await bases).AnnotationBases,
            Recomputation.HighQualityTradeAmount(trades),
            Recomputation.ExchangeYears(trades),
            "trading ListTrades",
            Recomputation.ListedHighQualityVolume(listings),
            "trading ListListings (ACTIVE, high-quality)",
            Recomputation.LatestFullDay(points, today),
            Recomputation.MonthlyAverage(points, 2024, 1),
            Recomputation.MonthlyAverage(points, 2025, 6),
            Recomputation.DayTokens(points, new DateOnly(2024, 1, 1)),
            Recomputation.DayTokens(points, new DateOnly(2025, 6, 30)),
            Recomputation.ChineseShare(await plan),
            UpliftRecomputation.HealthcareImagingAnnotated(await evaluations, certified),
            $"catalog ListEvaluations ({ScenarioGenerator.EvaluatedModels.Length} models in parallel)",
            options.Seed);
        var rows = VerificationTable.Build(recomputed, new MetricsFigures(await headline, await months, await days));
        return new Result(rows, clock.Elapsed, certified.Count, listings.Count, trades.Count, timings);
    }

    /// <summary>Every CERTIFIED dataset, one listing per domain side by side, checked against the unpartitioned total.</summary>
    private static async Task<(List<Dataset> Datasets, string Source)> ListCertifiedDatasetsAsync(CatalogService.CatalogServiceClient catalog, CancellationToken ct)
    {
        var certified = new DatasetFilter { Statuses = { CertificationStatus.Certified } };
        var total = catalog.ListDatasetsAsync(new ListDatasetsRequest { Filter = certified, PageSize = 1 }, cancellationToken: ct).ResponseAsync;
        var byDomain = await Paging.ReadPartitionsAsync<Domain, Dataset>(Domains, Concurrency, async (domain, token, c) =>
        {
            var filter = certified.Clone();
            filter.Domains.Add(domain);
            var page = await catalog.ListDatasetsAsync(new ListDatasetsRequest { Filter = filter, PageSize = MaxPageSize, PageToken = token }, cancellationToken: c);
            return new Page<Dataset>(page.Datasets, page.NextPageToken);
        }, ct);
        if (byDomain.Count == (await total).TotalSize)
        {
            return (byDomain, $"catalog ListDatasets (CERTIFIED, {Domains.Length} domains in parallel)");
        }

        // The partitions missed some (a dataset without a domain?): page through the whole certified set instead.
        var all = await Paging.ReadAllAsync<Dataset>(async (token, c) =>
        {
            var page = await catalog.ListDatasetsAsync(new ListDatasetsRequest { Filter = certified, PageSize = MaxPageSize, PageToken = token }, cancellationToken: c);
            return new Page<Dataset>(page.Datasets, page.NextPageToken);
        }, ct);
        return (all, "catalog ListDatasets (CERTIFIED)");
    }

    /// <summary>
    /// The active high-quality listings and the settled trades of every exchange. Trades are split by product kind
    /// and type too (every trade has both), so more listings run side by side; H5 needs other products' amounts too.
    /// </summary>
    private static async Task<(List<Listing> Listings, List<Trade> Trades)> ListMarketAsync(TradingService.TradingServiceClient trading, CancellationToken ct)
    {
        var exchanges = (await trading.ListExchangesAsync(new ListExchangesRequest(), cancellationToken: ct)).Exchanges.Select(e => e.Code).ToList();
        var listings = Paging.ReadPartitionsAsync<string, Listing>(exchanges, Concurrency, async (exchange, token, c) =>
        {
            var page = await trading.ListListingsAsync(new ListListingsRequest
            {
                ExchangeCode = exchange,
                ProductKind = ProductKind.HighQualityDataset,
                Status = ListingStatus.Active,
                PageSize = MaxPageSize,
                PageToken = token,
            }, cancellationToken: c);
            return new Page<Listing>(page.Listings, page.NextPageToken);
        }, ct);
        var partitions = (
            from exchange in exchanges
            from kind in new[] { ProductKind.HighQualityDataset, ProductKind.Other }
            from type in new[] { TradeType.Purchase, TradeType.Subscription, TradeType.EquityContribution }
            select (exchange, kind, type)).ToList();
        var trades = Paging.ReadPartitionsAsync<(string Exchange, ProductKind Kind, TradeType Type), Trade>(partitions, Concurrency, async (p, token, c) =>
        {
            var page = await trading.ListTradesAsync(new ListTradesRequest
            {
                ExchangeCode = p.Exchange,
                ProductKind = p.Kind,
                Type = p.Type,
                Status = TradeStatus.Settled,
                PageSize = MaxPageSize,
                PageToken = token,
            }, cancellationToken: c);
            return new Page<Trade>(page.Trades, page.NextPageToken);
        }, ct);
        return (await listings, await trades);
    }

    /// <summary>Every evaluation of the scenario's models (ListEvaluations takes a model or a dataset: the models are few).</summary>
    private static Task<List<Evaluation>> ListEvaluationsAsync(CatalogService.CatalogServiceClient catalog, CancellationToken ct) =>
        Paging.ReadPartitionsAsync<string, Evaluation>(ScenarioGenerator.EvaluatedModels, Concurrency, async (model, token, c) =>
        {
            var page = await catalog.ListEvaluationsAsync(new ListEvaluationsRequest { Model = model, PageSize = MaxPageSize, PageToken = token }, cancellationToken: c);
            return new Page<Evaluation>(page.Evaluations, page.NextPageToken);
        }, ct);

    private static Task<IndicatorSeries> Series(MetricsService.MetricsServiceClient metrics, Granularity granularity, string from, string to, CancellationToken ct) =>
        metrics.GetIndicatorSeriesAsync(new GetIndicatorSeriesRequest
        {
            Indicator = Indicator.H6DailyTokens,
            Granularity = granularity,
            FromDay = from,
            ToDay = to,
        }, cancellationToken: ct).ResponseAsync;

}
