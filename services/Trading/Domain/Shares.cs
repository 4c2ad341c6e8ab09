using System.Globalization;

namespace Platform.Trading.Domain;

/// <summary>Exact ratios: basis points (10,000 = 100 %) computed in integers, never through floating point.</summary>
internal static class Shares
{
    public const int Whole = 10_000;

    /// <summary><paramref name="part"/> / <paramref name="total"/> in basis points, rounded half up; 0 when the total is 0.</summary>
    public static int BasisPoints(decimal part, decimal total)
    {
        if (total <= 0)
        {
            return 0;
        }

        ArgumentOutOfRangeException.ThrowIfNegative(part);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(part, total);
        // Int128: part * 20,000 overflows a long for sums above ~4.6e14 fen; exact totals reach 7.9e28 (decimal).
        return (int)(((Int128)part * Whole * 2 + (Int128)total) / ((Int128)total * 2));
    }

    /// <summary>Basis points as a percent with two decimals: 8000 -> "80.00", 5 -> "0.05".</summary>
    public static string Percent(int basisPoints) =>
        string.Create(CultureInfo.InvariantCulture, $"{basisPoints / 100}.{basisPoints % 100:00}");
}
