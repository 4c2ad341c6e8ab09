using Dapper;
using Npgsql;
using Platform.Metrics.Computation;
using Platform.Metrics.V1;

namespace Platform.Metrics.Data;

/// <summary>Computes the indicators from the stored records; nothing here is cached.</summary>
internal sealed class IndicatorQueries(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>The condition for a high-quality dataset: certified (certified_at is its first certification), and not retired since.</summary>
    public const string HighQuality = "certified_at is not null and (retired_at is null or retired_at < certified_at)";

    private const string Zone = "'Asia/Shanghai'";

    /// <summary>
    /// The provider name reserved for load tests: its token-usage reports are stored (so ingestion is measured for
    /// real) but never counted in H6, so a load test leaves the national figures as they were.
    /// </summary>
    public const string ReservedTestProvider = "loadtest";

    private const string CountedTokens = $"provider <> '{ReservedTestProvider}'";

    /// <summary>
    /// A dataset that counts at the cutoff (the end of an as_of day): certified before it and not retired, after that
    /// certification, before it — the headline's <see cref="HighQuality"/> seen from then, and the series' definition.
    /// </summary>
    private static string HighQualityAt(string alias) =>
        $"{alias}certified_at < @cutoff and not ({alias}retired_at is not null and {alias}retired_at > {alias}certified_at and {alias}retired_at < @cutoff)";

    /// <summary>
    /// The datasets as they stood at the cutoff: each one's volume is that of its latest revision certified before it
    /// (the volume of the revision it was registered with while it was not certified yet).
    /// </summary>
    private const string DatasetsAtCutoff =
        """
        (select d.dataset_id, d.domain, d.modality, d.annotation_base_code, d.certified_at, d.retired_at,
                coalesce(v.volume_bytes, d.volume_bytes) as volume_bytes
         from datasets d left join lateral (
             select r.volume_bytes from certified_revisions r where r.dataset_id = d.dataset_id and r.certified_at < @cutoff
             order by r.certified_at desc limit 1) v on true)
        """;

    /// <param name="asOf">The figures at the end of that day (UTC+8), from the records' times; null for now.</param>
    public async Task<HeadlineData> ComputeHeadlineAsync(DateOnly? asOf, CancellationToken cancellationToken)
    {
        DateTimeOffset? cutoff = asOf is { } asOfDay ? Calculations.EndOf(asOfDay) : null;
        var computedAt = cutoff ?? time.GetUtcNow();
        var today = Calculations.Today(time);
        var (datasets, highQuality, baseDatasets, trades, listed, corpora, evaluations, latestDay) = cutoff is null
            ? ("datasets", HighQuality, "d.certified_at is not null and (d.retired_at is null or d.retired_at < d.certified_at)", "true",
                "delisted_at is null", "true", "true", "day < @today::date")
            : (DatasetsAtCutoff, HighQualityAt(""), HighQualityAt("d."), "settled_at < @cutoff",
                "listed_at < @cutoff and (delisted_at is null or delisted_at >= @cutoff)", "as_of < @cutoff", "evaluated_at < @cutoff",
                "day < @today::date and day <= @asOfDay::date");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            $"""
            select grouping(domain, modality, annotation_base_code) as grouping_id, coalesce(domain, '') as domain,
                   coalesce(modality, '') as modality, coalesce(annotation_base_code, '') as base,
                   count(*) as dataset_count, coalesce(sum(volume_bytes), 0) as volume_bytes
            from {datasets} datasets where {highQuality}
            group by grouping sets ((), (domain), (modality), (annotation_base_code));

            select count(*), coalesce(sum(amount_fen), 0) from trades where product_kind = 'high_quality_dataset' and {trades};

            select count(*), coalesce(sum(listed_volume_bytes), 0) from listings
            where product_kind = 'high_quality_dataset' and listed_at is not null and {listed};

            {ExchangeYearsSql(trades)};

            select day::text as day, sum(tokens) as tokens, count(*) as reports from token_usage
            where {CountedTokens} and day = (select max(day) from token_usage where {CountedTokens} and {latestDay}) group by day;

            select provider, model, total_tokens, chinese_tokens, as_of
            from training_corpus where {corpora} order by provider, model;

            select b.code, b.name, b.city, b.province, count(d.dataset_id) as dataset_count, coalesce(sum(d.volume_bytes), 0) as volume_bytes
            from annotation_bases b left join {datasets} d on d.annotation_base_code = b.code and {baseDatasets}
            group by b.code, b.name, b.city, b.province order by b.code;

            select domain, modality, annotated, dataset_id, array_agg(uplift_bp order by uplift_bp) as uplifts
            from evaluations where {evaluations} group by domain, modality, annotated, dataset_id;
            """,
            new { today = Calculations.Format(today), cutoff, asOfDay = asOf is { } last ? Calculations.Format(last) : null },
            cancellationToken: cancellationToken));

        var groups = (await results.ReadAsync<GroupRow>()).ToList();
        var (hqTrades, hqAmount) = await results.ReadSingleAsync<(long, decimal)>();
        var (listedCount, listedBytes) = await results.ReadSingleAsync<(long, decimal)>();
        var years = (await results.ReadAsync<ExchangeYearRow>()).Select(ToData).ToList();
        var day = await results.ReadSingleOrDefaultAsync<DayRow>();
        var models = (await results.ReadAsync<ModelRow>())
            .Select(m => new ModelCorpusData(m.Provider, m.Model, m.TotalTokens, m.ChineseTokens, m.AsOf.ToUniversalTime()))
            .ToList();
        var bases = (await results.ReadAsync<BaseRow>())
            .Select(b => new BaseData(b.Code, b.Name, b.City, b.Province, b.DatasetCount, b.VolumeBytes))
            .ToList();

        var uplifts = Calculations.Uplifts(
            (await results.ReadAsync<EvaluatedDatasetRow>()).Select(r => new EvaluatedDataset(r.Domain, r.Modality, r.Annotated, r.Uplifts)).ToList());

        var total = groups.Single(g => g.GroupingId == 7);
        return new HeadlineData(
            computedAt,
            total.DatasetCount,
            total.VolumeBytes,
            Breakdown(groups, 3, g => g.Domain),
            Breakdown(groups, 5, g => g.Modality),
            Breakdown(groups, 6, g => g.Base),
            hqTrades,
            hqAmount,
            listedCount,
            listedBytes,
            years,
            day is null ? null : DateOnly.Parse(day.Day, System.Globalization.CultureInfo.InvariantCulture),
            day?.Tokens ?? 0,
            day?.Reports ?? 0,
            models,
            bases,
            uplifts);
    }

    public async Task<ExchangeShareData> ComputeExchangeSharesAsync(string exchangeCode, int fromYear, int toYear, DateOnly? asOf, CancellationToken cancellationToken)
    {
        DateTimeOffset? cutoff = asOf is { } day ? Calculations.EndOf(day) : null;
        var computedAt = cutoff ?? time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ExchangeYearRow>(new CommandDefinition(
            $"""
            select * from ({ExchangeYearsSql("(@exchange = '' or exchange_code = @exchange)" + (cutoff is null ? "" : " and settled_at < @cutoff"))}) s
            where (@fromYear = 0 or year >= @fromYear) and (@toYear = 0 or year <= @toYear)
            """,
            new { exchange = exchangeCode, fromYear, toYear, cutoff },
            cancellationToken: cancellationToken));
        return new ExchangeShareData(rows.Select(ToData).ToList(), computedAt);
    }

    public async Task<SeriesData> ComputeSeriesAsync(Indicator indicator, DateOnly from, DateOnly to, Granularity granularity, CancellationToken cancellationToken)
    {
        var computedAt = time.GetUtcNow();
        var periods = Calculations.Periods(from, to, granularity == Granularity.Month);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        List<PointValue> points;
        string unit;
        if (indicator == Indicator.H6DailyTokens)
        {
            unit = "token";
            var days = await connection.QueryAsync<DayRow>(new CommandDefinition(
                $"select day::text as day, sum(tokens) as tokens, count(*) as reports from token_usage where {CountedTokens} and day >= @from::date and day < @to::date group by day",
                new { from = Calculations.Format(periods[0].Start), to = Calculations.Format(periods[^1].EndExclusive) },
                cancellationToken: cancellationToken));
            points = Calculations.DailyTokens(periods, days.Select(d => new DayTotal(ParseDay(d.Day), d.Tokens, d.Reports)));
        }
        else
        {
            var (sql, valueUnit) = indicator switch
            {
                Indicator.H1CertifiedDatasets or Indicator.H2CertifiedVolume => (
                    // A dataset counts from its first certification with that revision's volume; each later certified
                    // revision replaces its volume by the new one; a retirement takes away the last.
                    $"""
                    select (certified_at at time zone {Zone})::date::text as day, (previous is null)::int::bigint as count_delta,
                           volume_bytes - coalesce(previous, 0) as value_delta
                    from (select certified_at, volume_bytes, lag(volume_bytes) over (partition by dataset_id order by certified_at) as previous
                          from certified_revisions) r
                    union all
                    select (d.retired_at at time zone {Zone})::date::text, -1, -coalesce(
                        (select r.volume_bytes from certified_revisions r where r.dataset_id = d.dataset_id order by r.certified_at desc limit 1), d.volume_bytes)
                    from datasets d where certified_at is not null and retired_at > certified_at
                    """,
                    indicator == Indicator.H1CertifiedDatasets ? "dataset" : "byte"),
                Indicator.H3HighQualityTradeAmount => (
                    $"select (settled_at at time zone {Zone})::date::text as day, 1::bigint as count_delta, amount_fen as value_delta from trades where product_kind = 'high_quality_dataset'",
                    "fen"),
                Indicator.H4ListedVolume => (
                    $"""
                    select (listed_at at time zone {Zone})::date::text as day, 1::bigint as count_delta, listed_volume_bytes as value_delta
                    from listings where product_kind = 'high_quality_dataset' and listed_at is not null
                    union all
                    select (delisted_at at time zone {Zone})::date::text, -1, -listed_volume_bytes
                    from listings where product_kind = 'high_quality_dataset' and listed_at is not null and delisted_at is not null
                    """,
                    "byte"),
                _ => throw new ArgumentOutOfRangeException(nameof(indicator), indicator, "No series for this indicator."),
            };
            unit = valueUnit;
            var deltas = await connection.QueryAsync<DeltaRow>(new CommandDefinition(
                $"select day, sum(count_delta)::bigint as count_delta, sum(value_delta) as value_delta from ({sql}) d group by day",
                cancellationToken: cancellationToken));
            points = Calculations.Cumulative(periods, deltas.Select(d => new DayDelta(ParseDay(d.Day), d.CountDelta, d.ValueDelta)));
            if (indicator == Indicator.H1CertifiedDatasets)
            {
                points = points.Select(p => p with { Value = p.RecordCount }).ToList();
            }
        }

        var recordCount = indicator == Indicator.H6DailyTokens ? points.Sum(p => p.RecordCount) : points[^1].RecordCount;
        return new SeriesData(
            (int)indicator,
            (int)granularity,
            unit,
            points.Select(p => new SeriesPointData(p.PeriodStart, p.Value, p.RecordCount)).ToList(),
            recordCount,
            computedAt);
    }

    private static string ExchangeYearsSql(string filter) =>
        $"""
        select exchange_code, extract(year from settled_at at time zone {Zone})::int as year,
               coalesce(sum(amount_fen) filter (where product_kind = 'high_quality_dataset'), 0) as high_quality_amount_fen,
               coalesce(sum(amount_fen), 0) as total_amount_fen,
               count(*) as trade_count,
               count(*) filter (where product_kind = 'high_quality_dataset') as high_quality_trade_count
        from trades where {filter}
        group by exchange_code, year order by exchange_code, year
        """;

    private static DateOnly ParseDay(string day) => DateOnly.ParseExact(day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static List<BreakdownData> Breakdown(List<GroupRow> groups, int groupingId, Func<GroupRow, string> key) =>
        groups.Where(g => g.GroupingId == groupingId)
            .Select(g => new BreakdownData(key(g), g.DatasetCount, g.VolumeBytes))
            .OrderBy(b => b.Key, StringComparer.Ordinal)
            .ToList();

    private static ExchangeYearData ToData(ExchangeYearRow r) =>
        new(r.ExchangeCode, r.Year, r.HighQualityAmountFen, r.TotalAmountFen, r.TradeCount, r.HighQualityTradeCount);

    private sealed record GroupRow(int GroupingId, string Domain, string Modality, string Base, long DatasetCount, decimal VolumeBytes);

    private sealed record ExchangeYearRow(string ExchangeCode, int Year, decimal HighQualityAmountFen, decimal TotalAmountFen, long TradeCount, long HighQualityTradeCount);

    private sealed record DayRow(string Day, decimal Tokens, long Reports);

    private sealed record ModelRow(string Provider, string Model, long TotalTokens, long ChineseTokens, DateTime AsOf);

    /// <summary>Properties, not a record: Npgsql reports an array column as System.Array, which no constructor parameter matches.</summary>
    private sealed class EvaluatedDatasetRow
    {
        public string Domain { get; set; } = "";
        public string Modality { get; set; } = "";
        public bool Annotated { get; set; }
        public Guid DatasetId { get; set; }
        public int[] Uplifts { get; set; } = [];
    }

    private sealed record BaseRow(string Code, string Name, string City, string Province, long DatasetCount, decimal VolumeBytes);

    private sealed record DeltaRow(string Day, long CountDelta, decimal ValueDelta);
}
