using System.Globalization;

namespace Platform.Infrastructure.Grpc;

/// <summary>
/// The upper bound of every quantity a request carries, each far above the largest real one the national figures
/// know of (FACTS.md) and far below int64's 9.2 × 10^18, so that no single stored value is absurd. Totals over them
/// can still exceed int64 (ten datasets at the bound do), so every total is summed exactly (PostgreSQL
/// <c>numeric</c>, C# <see cref="decimal"/>) and answered by <see cref="Totals"/>.
/// </summary>
public static class Quantities
{
    /// <summary>
    /// 1 EB (10^18 bytes) for one dataset or listing: 2.5 times the nation's whole certified volume (400 PB) and
    /// thousands of times the largest public training corpora.
    /// </summary>
    public const long MaxVolumeBytes = 1_000_000_000_000_000_000;

    /// <summary>10^15 records in one dataset: a record per byte of a 1 PB dataset.</summary>
    public const long MaxRecordCount = 1_000_000_000_000_000;

    /// <summary>
    /// 10^15 tokens in one dataset, training corpus or daily report of one model: 33 times the nation's daily token
    /// consumption (30 trillion) and about 30 times the largest published training corpora (~36 trillion tokens).
    /// </summary>
    public const long MaxTokens = 1_000_000_000_000_000;

    /// <summary>
    /// 10^13 fen (100 billion CNY) for one price, trade, payment or valuation of contributed data: 25 times the
    /// nation's whole exchange turnover (about 4 billion CNY).
    /// </summary>
    public const long MaxAmountFen = 10_000_000_000_000;

    /// <summary>A required quantity: 1..<paramref name="max"/> (or 0..max when <paramref name="allowZero"/>), else a violation naming the field.</summary>
    public static FieldViolations Quantity(this FieldViolations violations, long value, string field, long max, string unit, bool allowZero = false)
    {
        if (value < 0 || (value == 0 && !allowZero))
        {
            return violations.Add(field, allowZero ? "must not be negative" : $"must be a positive number of {unit}");
        }

        return violations.Require(value <= max, field, $"must be at most {max.ToString("N0", CultureInfo.InvariantCulture)} {unit}");
    }
}

/// <summary>
/// How a total travels in the API: exactly, as a <c>google.type.Decimal</c> (<c>…_exact</c> fields), and in the
/// older int64 field, which holds the total while it fits and int64's maximum once it does not (saturated, never
/// wrapped). A C# <see cref="decimal"/> holds 96 bits: 79 billion items at the largest bound before it could overflow.
/// </summary>
public static class Totals
{
    public static long Saturated(decimal total) =>
        total >= long.MaxValue ? long.MaxValue : total <= long.MinValue ? long.MinValue : (long)total;

    public static Google.Type.Decimal Exact(decimal total) =>
        new() { Value = decimal.Truncate(total).ToString("F0", CultureInfo.InvariantCulture) };

    /// <summary>The value of an exact decimal (as written by <see cref="Exact"/>).</summary>
    public static decimal Parse(Google.Type.Decimal exact) => decimal.Parse(exact.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
