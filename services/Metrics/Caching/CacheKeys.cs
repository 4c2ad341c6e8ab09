namespace Platform.Metrics.Caching;

/// <summary>Every Redis key and channel the metrics service uses, in one place.</summary>
internal static class CacheKeys
{
    private const string Prefix = "metrics:v2:";

    /// <summary>Incremented on every change of the records; a cached value is valid only with the current generation.</summary>
    public const string Generation = Prefix + "generation";

    /// <summary>Pub/sub channel announcing a change to every replica (payload: the sender's instance id).</summary>
    public const string ChangedChannel = Prefix + "changed";

    /// <summary>The headline of one reporting day (its H6 is the day before): a new day never serves yesterday's snapshot.</summary>
    public static string Headline(DateOnly today) => $"{Prefix}headline:{today:yyyy-MM-dd}";

    /// <summary>The headline at the end of a past day (GetHeadlineIndicators' as_of).</summary>
    public static string HeadlineAsOf(DateOnly day) => $"{Prefix}headline-as-of:{day:yyyy-MM-dd}";

    public static string Series(int indicator, string from, string to, int granularity) =>
        $"{Prefix}series:{indicator}:{from}:{to}:{granularity}";

    public static string ExchangeShare(string exchangeCode, int fromYear, int toYear, DateOnly? asOf = null) =>
        $"{Prefix}exchange-share:{exchangeCode}:{fromYear}:{toYear}" + (asOf is { } day ? $":{day:yyyy-MM-dd}" : "");

    /// <summary>Short lock so that one replica computes a missing value while the others wait for it.</summary>
    public static string ComputeLock(string key) => key + ":lock";
}
