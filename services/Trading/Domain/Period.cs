namespace Platform.Trading.Domain;

/// <summary>
/// A calendar year or month on the exchanges' business calendar, China Standard Time (UTC+8, no daylight
/// saving), as the half-open interval of instants [Start, End).
/// </summary>
internal readonly record struct BusinessPeriod(DateTimeOffset Start, DateTimeOffset End)
{
    public static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    public const int MinYear = 2000;
    public const int MaxYear = 2100;

    public static bool IsValid(int year, int month) => year is >= MinYear and <= MaxYear && month is >= 0 and <= 12;

    /// <summary>The year (<paramref name="month"/> = 0) or the month; call <see cref="IsValid"/> first.</summary>
    public static BusinessPeriod Of(int year, int month)
    {
        if (!IsValid(year, month))
        {
            throw new ArgumentOutOfRangeException(nameof(year), $"{year}-{month} is not a valid period.");
        }

        var start = new DateTimeOffset(year, month == 0 ? 1 : month, 1, 0, 0, 0, ChinaStandardTime);
        var end = month == 0 ? start.AddYears(1) : start.AddMonths(1);
        return new BusinessPeriod(start.ToUniversalTime(), end.ToUniversalTime());
    }
}
