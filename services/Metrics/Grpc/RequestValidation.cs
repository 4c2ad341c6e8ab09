using System.Globalization;
using Platform.Infrastructure.Grpc;
using Platform.Metrics.V1;

namespace Platform.Metrics.Grpc;

/// <summary>Precise validation of the metrics requests; every failure names its field.</summary>
internal static class RequestValidation
{
    public const int MaxStreamMessageReports = 10_000;
    public const int MaxBatchReports = 50_000;
    public const int MaxNameLength = 200;
    public const int MaxSeriesPeriods = 3_700;

    /// <summary>Token usage before this day is rejected as a typo rather than stored.</summary>
    public static readonly DateOnly EarliestDay = new(2000, 1, 1);

    public static void ValidateView(HeadlineView view)
    {
        if (!Enum.IsDefined(view))
        {
            throw FieldViolations.Single("view", $"{(int)view} is not a HeadlineView");
        }
    }

    public static bool TryParseDay(string value, out DateOnly day) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    /// <summary>The allocation-free check of one report (the bulk path); <see cref="ValidateUsage"/> says what is wrong.</summary>
    public static bool IsValidUsage(TokenUsage usage, DateOnly today, out DateOnly day) =>
        TryParseDay(usage.Day, out day) && day <= today && day >= EarliestDay && usage.Tokens is >= 0 and <= Quantities.MaxTokens
        && IsValidName(usage.Provider) && IsValidName(usage.Model);

    private static bool IsValidName(string value) =>
        value.Length is > 0 and <= MaxNameLength && !string.IsNullOrWhiteSpace(value) && !value.Contains('\0');

    /// <summary>Validates one report; returns its day when valid.</summary>
    public static DateOnly ValidateUsage(TokenUsage usage, string field, DateOnly today, FieldViolations violations)
    {
        RequireName(usage.Provider, $"{field}.provider", violations);
        RequireName(usage.Model, $"{field}.model", violations);
        violations.Quantity(usage.Tokens, $"{field}.tokens", Quantities.MaxTokens, "tokens", allowZero: true);
        if (!TryParseDay(usage.Day, out var day))
        {
            violations.Add($"{field}.day", "must be a calendar date YYYY-MM-DD");
        }
        else if (day > today)
        {
            violations.Add($"{field}.day", $"must not be in the future (today is {today:yyyy-MM-dd} in UTC+8)");
        }
        else if (day < EarliestDay)
        {
            violations.Add($"{field}.day", "must not be before 2000-01-01");
        }

        return day;
    }

    public static void ValidateCorpus(ReportTrainingCorpusRequest request, DateTimeOffset now)
    {
        var violations = new FieldViolations();
        RequireName(request.Provider, "provider", violations);
        RequireName(request.Model, "model", violations);
        violations.Quantity(request.TotalTokens, "total_tokens", Quantities.MaxTokens, "tokens");
        violations.Quantity(request.ChineseTokens, "chinese_tokens", Quantities.MaxTokens, "tokens", allowZero: true);
        violations.Require(request.ChineseTokens <= request.TotalTokens || request.TotalTokens <= 0, "chinese_tokens", "must not exceed total_tokens");
        if (request.AsOf is null)
        {
            violations.Add("as_of", Fields.Required);
        }
        else if (!Fields.IsValidTimestamp(request.AsOf))
        {
            violations.Add("as_of", Fields.InvalidTimestamp);
        }
        else if (request.AsOf.ToDateTimeOffset() > now)
        {
            violations.Add("as_of", "must not be in the future");
        }

        violations.ThrowIfAny();
    }

    public static (DateOnly From, DateOnly To) ValidateSeries(GetIndicatorSeriesRequest request, DateOnly today)
    {
        var violations = new FieldViolations();
        switch (request.Indicator)
        {
            case Indicator.Unspecified:
                violations.Add("indicator", Fields.Required);
                break;
            case Indicator.H5ExchangeHighQualityShare:
                violations.Add("indicator", "H5 is served by GetExchangeShare");
                break;
            case Indicator.H7ChineseTrainingShare or Indicator.H8AnnotationBases:
                violations.Add("indicator", "has no time series; see GetHeadlineIndicators");
                break;
            case Indicator.H1CertifiedDatasets or Indicator.H2CertifiedVolume or Indicator.H3HighQualityTradeAmount
                or Indicator.H4ListedVolume or Indicator.H6DailyTokens:
                break;
            default:
                violations.Add("indicator", "is not a known indicator");
                break;
        }

        violations.Require(request.Granularity is Granularity.Day or Granularity.Month, "granularity", "must be DAY or MONTH");
        var fromOk = TryParseDay(request.FromDay, out var from);
        var toOk = TryParseDay(request.ToDay, out var to);
        violations.Require(fromOk, "from_day", "must be a calendar date YYYY-MM-DD");
        violations.Require(toOk, "to_day", "must be a calendar date YYYY-MM-DD");
        if (fromOk && toOk)
        {
            violations.Require(from <= to, "to_day", "must not be before from");
            violations.Require(to <= today, "to_day", $"must not be in the future (today is {today:yyyy-MM-dd} in UTC+8)");
            if (from <= to && request.Granularity is Granularity.Day or Granularity.Month)
            {
                violations.Require(
                    Computation.Calculations.PeriodCount(from, to, request.Granularity == Granularity.Month) <= MaxSeriesPeriods,
                    "to_day",
                    $"the range must span at most {MaxSeriesPeriods} periods");
            }
        }

        violations.ThrowIfAny();
        return (from, to);
    }

    /// <summary>Validates the request; returns its exchange code as stored (upper-case; empty for every exchange), as trading matches it.</summary>
    /// <summary>An optional as_of day: empty is now (null); otherwise a day from 2000-01-01 to yesterday (UTC+8).</summary>
    public static DateOnly? AsOf(string value, DateOnly today, FieldViolations violations)
    {
        if (value.Length == 0)
        {
            return null;
        }

        if (!TryParseDay(value, out var day))
        {
            violations.Add("as_of", "must be a day YYYY-MM-DD");
            return null;
        }

        violations.Require(day >= EarliestDay, "as_of", "must not be before 2000-01-01")
            .Require(day < today, "as_of", $"must be before today ({today:yyyy-MM-dd}, UTC+8): the figures of a day are known once it has ended");
        return day;
    }

    /// <summary>The headline's as_of day, or null for today's figures (the hot read: then nothing else is computed).</summary>
    public static DateOnly? ValidateHeadline(GetHeadlineIndicatorsRequest request, TimeProvider time)
    {
        ValidateView(request.View);
        if (request.AsOf.Length == 0)
        {
            return null;
        }

        var violations = new FieldViolations();
        var asOf = AsOf(request.AsOf, Computation.Calculations.Today(time), violations);
        violations.ThrowIfAny();
        return asOf;
    }

    public static (string ExchangeCode, DateOnly? AsOf) ValidateExchangeShare(GetExchangeShareRequest request, DateOnly today)
    {
        var violations = new FieldViolations();
        var asOf = AsOf(request.AsOf, today, violations);
        var code = request.ExchangeCode.Trim().ToUpperInvariant();
        violations.Require(code.Length == 0 || Fields.IsExchangeCode(code), "exchange_code",
            "must be an exchange code: 2–16 letters, digits or '_', starting with a letter");
        violations.Require(request.FromYear is 0 or (>= 1900 and <= 9999), "from_year", "must be 0 or a year 1900-9999");
        violations.Require(request.ToYear is 0 or (>= 1900 and <= 9999), "to_year", "must be 0 or a year 1900-9999");
        violations.Require(request.FromYear == 0 || request.ToYear == 0 || request.FromYear <= request.ToYear, "to_year", "must not be before from_year");
        violations.ThrowIfAny();
        return (code, asOf);
    }

    private static void RequireName(string value, string field, FieldViolations violations)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            violations.Add(field, Fields.Required);
        }
        else if (value.Length > MaxNameLength)
        {
            violations.Add(field, $"must be at most {MaxNameLength} characters");
        }
        else if (value.Contains('\0'))
        {
            // Streamed reports are not checked by UnstorableTextInterceptor: PostgreSQL cannot store a NUL.
            violations.Add(field, "must not contain a NUL character");
        }
    }
}
