using Platform.Metrics.Caching;
using Platform.Metrics.Computation;
using Platform.Metrics.Data;
using Platform.Metrics.V1;

namespace Platform.Metrics.Indicators;

/// <summary>The indicators as the API serves them: from the cache tiers, computed from PostgreSQL on a miss.</summary>
internal sealed class IndicatorReader(IndicatorCache cache, IndicatorQueries queries, TimeProvider time)
{
    private readonly Func<CancellationToken, Task<HeadlineData>> _computeCurrentHeadline = ct => queries.ComputeHeadlineAsync(null, ct);
    private DayKey? _headlineKey;

    /// <param name="asOf">The figures at the end of that day (UTC+8), or null for now.</param>
    public ValueTask<HeadlineSnapshot> GetHeadlineAsync(DateOnly? asOf, CancellationToken cancellationToken) =>
        asOf is { } day
            ? cache.GetAsync(CacheKeys.HeadlineAsOf(day), ct => queries.ComputeHeadlineAsync(day, ct), IndicatorMessages.ToSnapshot, cancellationToken)
            : GetHeadlineAsync(cancellationToken);

    /// <summary>The current headline, from the cache's hot value while it holds (<see cref="IndicatorCache.GetHotAsync"/>).
    /// </summary>
    public ValueTask<HeadlineSnapshot> GetHeadlineAsync(CancellationToken cancellationToken) =>
        cache.GetHotAsync(HeadlineKey(), _computeCurrentHeadline, IndicatorMessages.ToSnapshot, cancellationToken);

    /// <summary>
    /// The current headline without the hot value, for a watcher woken by a change: a read racing another replica's
    /// backplane message may have kept the value from before that change for up to its lifetime.
    /// </summary>
    public ValueTask<HeadlineSnapshot> GetHeadlineAfterChangeAsync(CancellationToken cancellationToken) =>
        cache.GetAsync(HeadlineKey(), _computeCurrentHeadline, IndicatorMessages.ToSnapshot, cancellationToken);

    private string HeadlineKey()
    {
        var today = Calculations.Today(time);
        var current = Volatile.Read(ref _headlineKey);
        if (current is null || current.Day != today)
        {
            current = new DayKey(today, CacheKeys.Headline(today));
            Volatile.Write(ref _headlineKey, current);
        }

        return current.Key;
    }

    private sealed record DayKey(DateOnly Day, string Key);

    public ValueTask<IndicatorSeries> GetSeriesAsync(Indicator indicator, DateOnly from, DateOnly to, Granularity granularity, CancellationToken cancellationToken) =>
        cache.GetAsync(
            CacheKeys.Series((int)indicator, from.ToString("yyyy-MM-dd", null), to.ToString("yyyy-MM-dd", null), (int)granularity),
            ct => queries.ComputeSeriesAsync(indicator, from, to, granularity, ct),
            IndicatorMessages.ToMessage,
            cancellationToken);

    public ValueTask<ExchangeShareSeries> GetExchangeShareAsync(string exchangeCode, int fromYear, int toYear, DateOnly? asOf, CancellationToken cancellationToken) =>
        cache.GetAsync(
            CacheKeys.ExchangeShare(exchangeCode, fromYear, toYear, asOf),
            ct => queries.ComputeExchangeSharesAsync(exchangeCode, fromYear, toYear, asOf, ct),
            IndicatorMessages.ToSeries,
            cancellationToken);
}
