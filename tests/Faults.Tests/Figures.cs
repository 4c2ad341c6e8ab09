using System.Diagnostics;
using System.Globalization;
using Platform.Catalog.V1;
using Platform.Metrics.V1;
using Platform.Trading.V1;
using Xunit.Abstractions;

namespace Platform.Faults.Tests;

/// <summary>One exchange's settled trades in one year of settlement (UTC+8), as H5 reports them.</summary>
public readonly record struct ExchangeYear(long HighQualityFen, long TotalFen, long Trades, long HighQualityTrades);

/// <summary>
/// H1–H5 of one mesh: certified datasets and their bytes (H1, H2), high-quality trade amount (H3), high-quality volume
/// listed (H4) and the burst's exchanges per year (H5). Built three ways: from what the burst had acknowledged, from
/// the source services' list APIs, and from metrics' headline; a fault test requires all three to be equal.
/// </summary>
public sealed record Figures(long Datasets, long DatasetBytes, long HighQualityTradeFen, long ListedBytes, IReadOnlyDictionary<string, ExchangeYear> ByExchangeYear)
{
    private static readonly TimeSpan Reporting = TimeSpan.FromHours(8);

    public long Trades => ByExchangeYear.Values.Sum(y => y.Trades);

    /// <summary>What differs between these figures (expected) and <paramref name="actual"/>, one line per figure.</summary>
    public IReadOnlyList<string> Differences(Figures actual)
    {
        var differences = new List<string>();
        void Compare(string what, long expected, long got)
        {
            if (expected != got)
            {
                differences.Add(string.Create(CultureInfo.InvariantCulture, $"{what}: expected {expected:N0}, got {got:N0} ({got - expected:+#,0;-#,0})"));
            }
        }

        Compare("H1 certified datasets", Datasets, actual.Datasets);
        Compare("H2 certified bytes", DatasetBytes, actual.DatasetBytes);
        Compare("H3 high-quality trade fen", HighQualityTradeFen, actual.HighQualityTradeFen);
        Compare("H4 listed high-quality bytes", ListedBytes, actual.ListedBytes);
        foreach (var key in ByExchangeYear.Keys.Union(actual.ByExchangeYear.Keys).Order(StringComparer.Ordinal))
        {
            var (e, a) = (ByExchangeYear.GetValueOrDefault(key), actual.ByExchangeYear.GetValueOrDefault(key));
            Compare($"H5 {key} high-quality fen", e.HighQualityFen, a.HighQualityFen);
            Compare($"H5 {key} total fen", e.TotalFen, a.TotalFen);
            Compare($"H5 {key} trades", e.Trades, a.Trades);
            Compare($"H5 {key} high-quality trades", e.HighQualityTrades, a.HighQualityTrades);
        }

        return differences;
    }

    /// <summary>The figures as the catalog's and trading's list APIs hold them now.</summary>
    public static async Task<Figures> FromSourcesAsync(Mesh mesh, IReadOnlyList<string> exchanges)
    {
        long datasets = 0, bytes = 0;
        var token = string.Empty;
        do
        {
            var page = await mesh.Catalog.ListDatasetsAsync(new ListDatasetsRequest
            {
                Filter = new DatasetFilter { Statuses = { CertificationStatus.Certified } }, PageSize = 1_000, PageToken = token,
            });
            datasets += page.Datasets.Count;
            bytes += page.Datasets.Sum(d => d.VolumeBytes);
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        long listed = 0, hqFen = 0;
        var years = new Dictionary<string, ExchangeYear>(StringComparer.Ordinal);
        foreach (var exchange in exchanges)
        {
            token = string.Empty;
            do
            {
                var page = await mesh.Trading.ListListingsAsync(new ListListingsRequest
                {
                    ExchangeCode = exchange, ProductKind = ProductKind.HighQualityDataset, Status = ListingStatus.Active, PageSize = 500, PageToken = token,
                });
                listed += page.Listings.Sum(l => l.ListedVolumeBytes);
                token = page.NextPageToken;
            }
            while (token.Length > 0);

            do
            {
                var page = await mesh.Trading.ListTradesAsync(new ListTradesRequest
                {
                    ExchangeCode = exchange, Status = TradeStatus.Settled, PageSize = 500, PageToken = token,
                });
                foreach (var trade in page.Trades)
                {
                    hqFen += trade.ProductKind == ProductKind.HighQualityDataset ? trade.AmountFen : 0;
                    Add(years, trade);
                }

                token = page.NextPageToken;
            }
            while (token.Length > 0);
        }

        return new Figures(datasets, bytes, hqFen, listed, years);
    }

    /// <summary>The figures as metrics' headline (FULL view) reports them now.</summary>
    public static async Task<Figures> FromMetricsAsync(Mesh mesh, IReadOnlyList<string> exchanges)
    {
        var headline = await mesh.Metrics.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest { View = HeadlineView.Full });
        var years = headline.H5ExchangeShares.Shares
            .Where(s => exchanges.Contains(s.ExchangeCode))
            .ToDictionary(s => Key(s.ExchangeCode, s.Year), s => new ExchangeYear(s.HighQualityAmountFen, s.TotalAmountFen, s.TradeCount, s.HighQualityTradeCount), StringComparer.Ordinal);
        return new Figures(headline.H1CertifiedDatasets.Value, headline.H2CertifiedVolume.Total.Value, headline.H3HighQualityTradeAmount.Value,
            headline.H4ListedVolume.Value, years);
    }

    private static string Key(string exchange, int year) => string.Create(CultureInfo.InvariantCulture, $"{exchange}/{year}");

    private static void Add(Dictionary<string, ExchangeYear> years, Trade trade)
    {
        var key = Key(trade.ExchangeCode, trade.SettledAt.ToDateTimeOffset().ToOffset(Reporting).Year);
        var hq = trade.ProductKind == ProductKind.HighQualityDataset;
        var y = years.GetValueOrDefault(key);
        years[key] = new ExchangeYear(y.HighQualityFen + (hq ? trade.AmountFen : 0), y.TotalFen + trade.AmountFen, y.Trades + 1, y.HighQualityTrades + (hq ? 1 : 0));
    }

    /// <summary>The client's own ledger of acknowledged writes, from which the expected figures follow.</summary>
    public sealed class Builder
    {
        private readonly Dictionary<string, long> _certified = new(StringComparer.Ordinal);
        private readonly HashSet<string> _retired = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (string DatasetId, long Bytes)> _listings = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Trade> _settled = new(StringComparer.Ordinal);

        public void Certified(string id, long bytes)
        {
            lock (this)
            {
                _certified[id] = bytes;
            }
        }

        public void Retired(string id)
        {
            lock (this)
            {
                _retired.Add(id);
            }
        }

        public void Listed(string id, string datasetId, long highQualityBytes)
        {
            lock (this)
            {
                _listings[id] = (datasetId, highQualityBytes);
            }
        }

        public void Settled(Trade trade)
        {
            lock (this)
            {
                _settled[trade.Id] = trade;
            }
        }

        public Figures Build()
        {
            lock (this)
            {
                var live = _certified.Where(d => !_retired.Contains(d.Key)).ToList();
                var years = new Dictionary<string, ExchangeYear>(StringComparer.Ordinal);
                foreach (var trade in _settled.Values)
                {
                    Add(years, trade);
                }

                return new Figures(
                    live.Count,
                    live.Sum(d => d.Value),
                    _settled.Values.Where(t => t.ProductKind == ProductKind.HighQualityDataset).Sum(t => t.AmountFen),
                    _listings.Values.Where(l => !_retired.Contains(l.DatasetId)).Sum(l => l.Bytes),
                    years);
            }
        }
    }
}

/// <summary>Waits for metrics to agree with the sources, then prints and asserts the run's accounting line.</summary>
public static class Accounting
{
    /// <summary>
    /// Polls until metrics' figures equal the sources' (and the sources equal what was acknowledged), or
    /// <paramref name="timeout"/> passes; prints "acknowledged, arrived, lost, duplicated, seconds to converge" and
    /// fails on any difference. <paramref name="since"/> starts the convergence clock (the fault's end).
    /// </summary>
    public static async Task<TimeSpan> ConvergeAsync(ITestOutputHelper output, string name, Mesh mesh, Burst burst, long since, TimeSpan timeout)
    {
        // Trading's side is eventually consistent too: it delists the listings of a retired dataset when the
        // catalog's event reaches it. So the sources are read again on every poll, beside metrics.
        var acknowledged = burst.Acknowledged.Build();
        Figures sources, arrived;
        IReadOnlyList<string> sourceDifferences, differences;
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            sources = await Figures.FromSourcesAsync(mesh, burst.Exchanges);
            arrived = await Figures.FromMetricsAsync(mesh, burst.Exchanges);
            sourceDifferences = acknowledged.Differences(sources);
            differences = sources.Differences(arrived);
            if ((differences.Count == 0 && sourceDifferences.Count == 0) || Stopwatch.GetTimestamp() > deadline)
            {
                break;
            }

            await Task.Delay(200);
        }

        var converged = Stopwatch.GetElapsedTime(since);
        var lostDatasets = Math.Max(0, sources.Datasets - arrived.Datasets);
        var doubleDatasets = Math.Max(0, arrived.Datasets - sources.Datasets);
        var lostTrades = Math.Max(0, sources.Trades - arrived.Trades);
        var doubleTrades = Math.Max(0, arrived.Trades - sources.Trades);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{name}] acknowledged {burst.Writes:N0} writes ({acknowledged.Datasets:N0} certified datasets live, {acknowledged.Trades:N0} trades settled, " +
            $"{acknowledged.ListedBytes:N0} B listed); arrived in metrics: {arrived.Datasets:N0} datasets, {arrived.DatasetBytes:N0} B, {arrived.Trades:N0} trades, " +
            $"{arrived.HighQualityTradeFen:N0} fen; lost {lostDatasets} datasets / {lostTrades} trades; duplicated {doubleDatasets} datasets / {doubleTrades} trades; " +
            $"{(differences.Count + sourceDifferences.Count == 0 ? "converged" : "NOT converged")} {converged.TotalSeconds:0.0} s after the fault ended; slowest write {burst.Slowest.TotalMilliseconds:0} ms"));
        foreach (var difference in sourceDifferences)
        {
            output.WriteLine($"[{name}] sources vs acknowledged: {difference}");
        }

        foreach (var difference in differences)
        {
            output.WriteLine($"[{name}] metrics vs sources: {difference}");
        }

        Assert.True(sourceDifferences.Count == 0, "the source services hold exactly what was acknowledged: " + string.Join("; ", sourceDifferences));
        Assert.True(differences.Count == 0, $"metrics equals the sources within {timeout.TotalSeconds:0} s: " + string.Join("; ", differences));
        return converged;
    }
}
