using Google.Protobuf.WellKnownTypes;
using Platform.Infrastructure.Grpc;

namespace Platform.Trading.Domain;

/// <summary>
/// The optional historical time of a business fact: unset means now; the future is refused, since a fact
/// cannot have happened yet. Replays of 2024–2025 history pass the time the fact happened.
/// </summary>
internal static class BusinessTime
{
    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset? Resolve(Timestamp? value, DateTimeOffset now, string field, FieldViolations violations)
    {
        if (value is null)
        {
            return Truncate(now);
        }

        if (value.Nanos is < 0 or > 999_999_999 || value.Seconds < Earliest.ToUnixTimeSeconds() || value.Seconds > now.ToUnixTimeSeconds() + 1)
        {
            violations.Add(field, value.Seconds < Earliest.ToUnixTimeSeconds()
                ? "must be a valid time after 2000-01-01"
                : "must not be in the future");
            return null;
        }

        var at = value.ToDateTimeOffset();
        if (at > now)
        {
            violations.Add(field, "must not be in the future");
            return null;
        }

        return Truncate(at);
    }

    // PostgreSQL keeps microseconds; truncating here makes what is returned equal to what is stored.
    private static DateTimeOffset Truncate(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % 10, TimeSpan.Zero);
}
