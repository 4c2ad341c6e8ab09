using System.Text.RegularExpressions;
using Platform.Infrastructure.Grpc;

namespace Platform.Trading.Grpc;

/// <summary>Field checks shared by the handlers; each adds a violation and returns null when the value is invalid.</summary>
internal static partial class Validation
{
    public const int MaxTextLength = 500;

    /// <summary>Exchange codes are upper-case; lower-case input is accepted and normalised.</summary>
    public static string? ExchangeCode(this FieldViolations violations, string value, string field, bool required)
    {
        var code = value.Trim().ToUpperInvariant();
        if (code.Length == 0)
        {
            if (required)
            {
                violations.Add(field, Fields.Required);
            }

            return null;
        }

        if (!CodePattern().IsMatch(code))
        {
            violations.Add(field, "must be 2–16 characters: letters, digits or '_', starting with a letter");
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

    [GeneratedRegex("^[A-Z][A-Z0-9_]{1,15}$")]
    private static partial Regex CodePattern();
}
