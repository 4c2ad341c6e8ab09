using Platform.Infrastructure.Grpc;

namespace Platform.Trading.Grpc;

/// <summary>Field checks shared by the handlers; each adds a violation and returns null when the value is invalid.</summary>
internal static class Validation
{
    public const int MaxTextLength = 500;

    /// <summary>
    /// Exchange codes are upper-case. A code that names an exchange (a filter, a listing's exchange) is matched without
    /// regard to case or surrounding spaces; the code of a new exchange (<paramref name="exact"/>) must be written as it
    /// will be stored, so what a client sends is what it later reads.
    /// </summary>
    public static string? ExchangeCode(this FieldViolations violations, string value, string field, bool required, bool exact = false)
    {
        var code = value.Trim().ToUpperInvariant();
        if (exact && code.Length > 0 && !string.Equals(code, value, StringComparison.Ordinal))
        {
            violations.Add(field, $"must be written in upper-case without spaces, as it is stored ('{code}')");
            return null;
        }

        if (code.Length == 0)
        {
            if (required)
            {
                violations.Add(field, Fields.Required);
            }

            return null;
        }

        if (!Fields.IsExchangeCode(code))
        {
            violations.Add(field, "must be 2–16 characters: upper-case letters, digits or '_', starting with a letter");
            return null;
        }

        return code;
    }

    public static string Text(this FieldViolations violations, string value, string field, bool required)
    {
        var text = value.Trim();
        if (required && text.Length == 0)
        {
            violations.Add(field, Fields.Required);
        }
        else if (text.Length > MaxTextLength)
        {
            violations.Add(field, $"must be at most {MaxTextLength} characters");
        }

        return text;
    }

    /// <summary>An enum field: <paramref name="allowUnspecified"/> for optional filters; unknown numbers are always refused.</summary>
    public static T? Enum<T>(this FieldViolations violations, T value, string field, bool allowUnspecified)
        where T : struct, System.Enum
    {
        var unspecified = Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) == 0;
        if (!System.Enum.IsDefined(value) || (unspecified && !allowUnspecified))
        {
            violations.Add(field, unspecified ? "must be specified" : $"{value} is not a known value");
            return null;
        }

        return unspecified ? null : value;
    }
}
