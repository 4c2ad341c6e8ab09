using Platform.Metrics.Data;

namespace Platform.Metrics.Computation;

/// <summary>The pure arithmetic behind the indicators: exact ratios, periods, cumulative series, growth.</summary>
internal static class Calculations
{
    /// <summary>The platform reports in China Standard Time (UTC+8, no daylight saving): days, months and years are cut there.</summary>
    public static readonly TimeSpan ReportingOffset = TimeSpan.FromHours(8);

    /// <summary>H7's threshold: a model counts when its Chinese share is strictly above 60 %.</summary>
    public const long ChineseShareThresholdBasisPoints = 6000;

    public static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().ToOffset(ReportingOffset).DateTime);

    public static DateTimeOffset StartOf(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), ReportingOffset);

    /// <summary>The end of a day in China Standard Time (the next day's start), in UTC: an as_of cutoff.</summary>
    public static DateTimeOffset EndOf(DateOnly day) => StartOf(day.AddDays(1)).ToUniversalTime();

    public static string Format(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>n / d rounded half up, for n ≥ 0 and d &gt; 0, exactly (Int128 holds every product of a decimal total and 20,000).</summary>
    public static Int128 RoundDiv(Int128 numerator, Int128 denominator) => (2 * numerator + denominator) / (2 * denominator);

    /// <summary>A share num/den as basis points and a percent with two decimals; num and den are exact totals (≤ 7.9 × 10^28).</summary>
    public static RatioValue Share(decimal numerator, decimal denominator)
    {
        if (denominator <= 0)
        {
            return new RatioValue(0, "0.00", "percent");
        }

        var basisPoints = RoundDiv((Int128)numerator * 10_000, (Int128)denominator);
        return new RatioValue(Saturated(basisPoints), Hundredths(basisPoints), "percent");
    }

    /// <summary>A growth multiple num/den ("300.00" times), or null when den is zero; basis points saturate at long's maximum.</summary>
    public static RatioValue? Multiple(decimal numerator, decimal denominator)
    {
        if (denominator <= 0)
        {
            return null;
        }

        var basisPoints = RoundDiv((Int128)numerator * 10_000, (Int128)denominator);
        var hundredths = RoundDiv((Int128)numerator * 100, (Int128)denominator);
        return new RatioValue(Saturated(basisPoints), Hundredths(hundredths), "times");
    }

    private static long Saturated(Int128 value) => value > long.MaxValue ? long.MaxValue : (long)value;

    private static string Hundredths(Int128 value) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{value / 100}.{(int)(value % 100):D2}");

    /// <summary>Whether chinese/total is strictly above <paramref name="basisPoints"/>, compared exactly.</summary>
    public static bool ShareAbove(long chinese, long total, long basisPoints) =>
        (Int128)chinese * 10_000 > (Int128)total * basisPoints;

    /// <summary>Whether a/b &gt; c/d exactly (b, d &gt; 0).</summary>
    public static bool Greater(long a, long b, long c, long d) => (Int128)a * d > (Int128)c * b;

    public static ChineseShareSummary SummariseChineseShare(IReadOnlyList<(string Provider, string Model, long Total, long Chinese)> models)
    {
        var above = 0L;
        (string Provider, string Model, long Total, long Chinese)? best = null;
        foreach (var model in models)
        {
            if (model.Total <= 0)
            {
                continue;
            }

            if (ShareAbove(model.Chinese, model.Total, ChineseShareThresholdBasisPoints))
            {
                above++;
            }

            if (best is null || Greater(model.Chinese, model.Total, best.Value.Chinese, best.Value.Total))
            {
                best = model;
            }
        }

        return new ChineseShareSummary(
            above,
            best is null ? null : Share(best.Value.Chinese, best.Value.Total),
            best?.Model ?? string.Empty);
    }

    /// <summary>The periods from the one containing <paramref name="from"/> to the one containing <paramref name="to"/>.</summary>
    public static List<Period> Periods(DateOnly from, DateOnly to, bool monthly)
    {
        var periods = new List<Period>();
        if (monthly)
        {
            for (var start = new DateOnly(from.Year, from.Month, 1); start <= to; start = start.AddMonths(1))
            {
                periods.Add(new Period(start, start.AddMonths(1)));
            }
        }
        else
        {
            for (var day = from; day <= to; day = day.AddDays(1))
            {
                periods.Add(new Period(day, day.AddDays(1)));
            }
        }

        return periods;
    }

    public static int PeriodCount(DateOnly from, DateOnly to, bool monthly) =>
        monthly ? (to.Year - from.Year) * 12 + to.Month - from.Month + 1 : to.DayNumber - from.DayNumber + 1;

    /// <summary>
    /// A stock figure at the end of each period from dated changes (+1 dataset on its certification day, −1 on its
    /// retirement day, ...): the sum of every change on a day before the period's end.
    /// </summary>
    public static List<PointValue> Cumulative(IReadOnlyList<Period> periods, IEnumerable<DayDelta> deltas)
    {
        var sorted = deltas.OrderBy(d => d.Day).ToList();
        var points = new List<PointValue>(periods.Count);
        decimal value = 0;
        long count = 0;
        var next = 0;
        foreach (var period in periods)
        {
            while (next < sorted.Count && sorted[next].Day < period.EndExclusive)
            {
                value += sorted[next].ValueDelta;
                count += sorted[next].CountDelta;
                next++;
            }

            points.Add(new PointValue(period.Start, value, count));
        }

        return points;
    }

    /// <summary>
    /// Daily token figures per period: a day's own total, or for a month the average per reported day
    /// (rounded half up), so a month with partial reporting is not diluted by days nobody reported.
    /// </summary>
    public static List<PointValue> DailyTokens(IReadOnlyList<Period> periods, IEnumerable<DayTotal> days)
    {
        var sorted = days.OrderBy(d => d.Day).ToList();
        var points = new List<PointValue>(periods.Count);
        var next = 0;
        foreach (var period in periods)
        {
            while (next < sorted.Count && sorted[next].Day < period.Start)
            {
                next++;
            }

            decimal sum = 0;
            long reports = 0, reportedDays = 0;
            while (next < sorted.Count && sorted[next].Day < period.EndExclusive)
            {
                sum += sorted[next].Tokens;
                reports += sorted[next].Reports;
                reportedDays++;
                next++;
            }

            points.Add(new PointValue(period.Start, reportedDays == 0 ? 0 : (decimal)RoundDiv((Int128)sum, reportedDays), reports));
        }

        return points;
    }

    /// <summary>H9's threshold: a dataset counts when its median uplift is strictly above 15 %.</summary>
    public const long UpliftThresholdBasisPoints = 1_500;

    /// <summary>
    /// The p-th percentile (0..1) of sorted values, interpolated linearly between the two nearest (PostgreSQL's
    /// percentile_cont), in decimal and rounded half away from zero.
    /// </summary>
    public static long Percentile(IReadOnlyList<int> sorted, decimal p)
    {
        var position = p * (sorted.Count - 1);
        var lower = (int)decimal.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        var value = sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
        return (long)decimal.Round(value, MidpointRounding.AwayFromZero);
    }

    /// <summary>H9 per domain × modality × annotated, from each evaluated dataset's sorted uplifts; ordered by the three.</summary>
    public static List<UpliftData> Uplifts(IReadOnlyList<EvaluatedDataset> datasets) =>
        datasets.GroupBy(d => (d.Domain, d.Modality, d.Annotated))
            .OrderBy(g => g.Key.Domain, StringComparer.Ordinal).ThenBy(g => g.Key.Modality, StringComparer.Ordinal).ThenBy(g => g.Key.Annotated)
            .Select(g =>
            {
                var all = g.SelectMany(d => d.Uplifts).Order().ToArray();
                return new UpliftData(g.Key.Domain, g.Key.Modality, g.Key.Annotated, all.Length, g.Count(),
                    Percentile(all, 0.5m), Percentile(all, 0.1m), Percentile(all, 0.9m),
                    g.Count(d => Percentile(d.Uplifts, 0.5m) > UpliftThresholdBasisPoints));
            })
            .ToList();

    /// <summary>A signed basis-point figure as a percent with two decimals: -1,667 is "-16.67".</summary>
    public static RatioValue Percent(long basisPoints) =>
        new(basisPoints, (basisPoints < 0 ? "-" : "") + Hundredths(Int128.Abs(basisPoints)), "percent");
}

internal sealed record RatioValue(long BasisPoints, string Value, string Unit);

internal sealed record ChineseShareSummary(long ModelsAboveThreshold, RatioValue? Maximum, string MaximumModel);

internal readonly record struct Period(DateOnly Start, DateOnly EndExclusive);

internal readonly record struct DayDelta(DateOnly Day, long CountDelta, decimal ValueDelta);

internal readonly record struct DayTotal(DateOnly Day, decimal Tokens, long Reports);

internal sealed record PointValue(DateOnly PeriodStart, decimal Value, long RecordCount);

/// <summary>One evaluated dataset of an H9 group, its uplifts sorted ascending.</summary>
internal sealed record EvaluatedDataset(string Domain, string Modality, bool Annotated, IReadOnlyList<int> Uplifts);
