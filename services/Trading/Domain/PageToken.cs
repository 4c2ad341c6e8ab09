using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Trading.Domain;

/// <summary>
/// An opaque cursor: the sort key (business time, id) of the last item returned, plus a fingerprint of the
/// filters so a token cannot be replayed against a different query.
/// </summary>
internal sealed record PageToken(DateTimeOffset After, Guid AfterId, string Fingerprint)
{
    private const string Version = "1";

    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            string.Join('|', Version, After.UtcTicks.ToString(CultureInfo.InvariantCulture), AfterId.ToString("N"), Fingerprint)));

    /// <summary>Null when <paramref name="token"/> is not a token this service issued for the same filters.</summary>
    public static PageToken? TryDecode(string token, string fingerprint)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200)
        {
            return null;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('|');
            if (parts.Length != 4 || parts[0] != Version || parts[3] != fingerprint)
            {
                return null;
            }

            if (!long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks
                || !Guid.TryParseExact(parts[2], "N", out var id))
            {
                return null;
            }

            return new PageToken(new DateTimeOffset(ticks, TimeSpan.Zero), id, fingerprint);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>A short, stable digest of the filter values (stable across processes, unlike string.GetHashCode).</summary>
    public static string FingerprintOf(params object?[] filters)
    {
        var text = string.Join('\u001f', filters.Select(f => Convert.ToString(f, CultureInfo.InvariantCulture) ?? string.Empty));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 8);
    }
}

/// <summary>Page sizes: 0 means the default, more than the maximum is capped.</summary>
internal static class Paging
{
    public const int DefaultSize = 50;
    public const int MaxSize = 500;

    public static int Size(int requested) => requested == 0 ? DefaultSize : Math.Min(requested, MaxSize);
}
