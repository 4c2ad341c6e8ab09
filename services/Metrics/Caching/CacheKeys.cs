namespace Platform.Metrics.Caching;

/// <summary>Every Redis key and channel the metrics service uses, in one place.</summary>
internal static class CacheKeys
{
    /// <summary>Every key and the backplane channel start with this (FusionCache prefixes them).</summary>
    public const string Prefix = "metrics:v3:";

    /// <summary>The headline of one reporting day (its H6 is the day before): a new day never serves yesterday's snapshot.</summary>
    public static string Headline(DateOnly today) => $"headline:{today:yyyy-MM-dd}";

    /// <summary>The headline at the end of a past day (GetHeadlineIndicators' as_of).</summary>
    public static string HeadlineAsOf(DateOnly day) => $"headline-as-of:{day:yyyy-MM-dd}";

    public static string Series(int indicator, string from, string to, int granularity) =>
        $"series:{indicator}:{from}:{to}:{granularity}";

    public static string ExchangeShare(string exchangeCode, int fromYear, int toYear, DateOnly? asOf = null) =>
        $"exchange-share:{exchangeCode}:{fromYear}:{toYear}" + (asOf is { } day ? $":{day:yyyy-MM-dd}" : "");
}
