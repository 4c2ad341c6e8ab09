namespace Platform.Infrastructure.Grpc;

/// <summary>
/// The field rules every service shares, so that a client meets one wording and one limit: request ids up to
/// <see cref="MaxRequestIdLength"/> characters, a missing value "is required", ids are UUIDs in their canonical
/// 8-4-4-4-12 form (no braces, no bare 32 digits).
/// </summary>
public static partial class Fields
{
    public const int MaxRequestIdLength = 128;
    public const string RequestId = "request_id";
    public const string Required = "is required";
    public const string InvalidTimestamp = "is not a valid timestamp";

    /// <summary>
    /// The request id, or null: when empty (no idempotency asked, and none <paramref name="required"/>) or invalid
    /// (with a violation on <paramref name="field"/>).
    /// </summary>
    public static string? RequestIdOf(this FieldViolations violations, string value, bool required, string field = RequestId)
    {
        if (value.Length == 0)
        {
            violations.Require(!required, field, Required);
            return null;
        }

        if (value.Length > MaxRequestIdLength)
        {
            violations.Add(field, $"must be at most {MaxRequestIdLength} characters");
            return null;
        }

        return value;
    }

    /// <summary>
    /// An exchange code as trading stores it (2–16 characters: upper-case letters, digits or '_', starting with a letter),
    /// the one rule trading (which creates exchanges) and metrics (which filters by them) check.
    /// </summary>
    public static bool IsExchangeCode(string code) => ExchangeCodePattern().IsMatch(code);

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Z][A-Z0-9_]{1,15}$")]
    private static partial System.Text.RegularExpressions.Regex ExchangeCodePattern();

    /// <summary>Exactly 36 characters: Guid's "D" parsing alone would also take surrounding white space.</summary>
    public static bool TryParseUuid(string value, out Guid id)
    {
        id = Guid.Empty;
        return value.Length == 36 && Guid.TryParseExact(value, "D", out id);
    }

    /// <summary>A required id of a <paramref name="what"/>, or null with a violation on <paramref name="field"/>.</summary>
    public static Guid? Uuid(this FieldViolations violations, string value, string field, string what)
    {
        if (TryParseUuid(value, out var id))
        {
            return id;
        }

        violations.Add(field, value.Length == 0 ? Required : $"must be a {what} id (UUID)");
        return null;
    }

    /// <summary>An optional id (a filter): empty means none.</summary>
    public static Guid? OptionalUuid(this FieldViolations violations, string value, string field, string what) =>
        value.Length == 0 ? null : violations.Uuid(value, field, what);

    /// <summary>
    /// Whether a <c>google.protobuf.Timestamp</c> is one the well-known type allows (0001-01-01 to 9999-12-31, nanos in
    /// 0..999,999,999), so that converting it cannot throw; otherwise the field "is not a valid timestamp".
    /// </summary>
    public static bool IsValidTimestamp(Google.Protobuf.WellKnownTypes.Timestamp value) =>
        value.Seconds is >= -62135596800 and <= 253402300799 && value.Nanos is >= 0 and <= 999_999_999;
}
