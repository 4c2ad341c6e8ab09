using Platform.Metrics.Caching;
using Platform.Metrics.Grpc;
using Platform.Metrics.V1;

namespace Platform.Metrics.Data;

/// <summary>The indicators as the API serves them: from the cache tiers, computed from PostgreSQL on a miss.</summary>
internal sealed class IndicatorReader(TieredCache cache, IndicatorQueries queries)
{
    public ValueTask<HeadlineView> GetHeadlineAsync(CancellationToken cancellationToken) =>
        cache.GetAsync(CacheKeys.Headline, CacheJsonContext.Default.HeadlineData, queries.ComputeHeadlineAsync, ProtoMapper.ToView, cancellationToken);

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
