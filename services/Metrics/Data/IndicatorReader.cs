using Platform.Metrics.Caching;
using Platform.Metrics.Computation;
using Platform.Metrics.Grpc;
using Platform.Metrics.V1;

namespace Platform.Metrics.Data;

/// <summary>The indicators as the API serves them: from the cache tiers, computed from PostgreSQL on a miss.</summary>
internal sealed class IndicatorReader(TieredCache cache, IndicatorQueries queries, TimeProvider time)
{
    private DayKey? _headlineKey;

    public ValueTask<HeadlineSnapshot> GetHeadlineAsync(CancellationToken cancellationToken) =>
        cache.GetAsync(HeadlineKey(), CacheJsonContext.Default.HeadlineData, queries.ComputeHeadlineAsync, ProtoMapper.ToSnapshot, cancellationToken);

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
            CacheJsonContext.Default.SeriesData,
            ct => queries.ComputeSeriesAsync(indicator, from, to, granularity, ct),
            ProtoMapper.ToMessage,
            cancellationToken);

    public ValueTask<ExchangeShareSeries> GetExchangeShareAsync(string exchangeCode, int fromYear, int toYear, CancellationToken cancellationToken) =>
        cache.GetAsync(
            CacheKeys.ExchangeShare(exchangeCode, fromYear, toYear),
            CacheJsonContext.Default.ExchangeShareData,
            ct => queries.ComputeExchangeSharesAsync(exchangeCode, fromYear, toYear, ct),
            ProtoMapper.ToSeries,
            cancellationToken);
}
