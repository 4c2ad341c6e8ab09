using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Platform.Infrastructure.Grpc;
using Platform.Metrics.Grpc;
using Platform.Metrics.V1;

namespace Platform.Metrics.UnitTests;

public sealed class ValidationTests
{
    private static readonly DateOnly Today = new(2025, 6, 30);

    private static List<string> UsageViolations(TokenUsage usage)
    {
        var violations = new FieldViolations();
        RequestValidation.ValidateUsage(usage, "usages[0]", Today, violations);
        if (!violations.Any)
        {
            return [];
        }

        var status = violations.ToException().GetRpcStatus()!;
        return status.GetDetail<Google.Rpc.BadRequest>().FieldViolations.Select(v => v.Field).ToList();
    }

    private static TokenUsage Valid() => new() { Provider = "p", Model = "m", Day = "2025-06-30", Tokens = 0 };

    [Fact]
    public void ReportForTodayWithZeroTokensIsValid() => Assert.Empty(UsageViolations(Valid()));

    [Fact]
    public void NegativeTokensAreRejected() => Assert.Equal(["usages[0].tokens"], UsageViolations(new TokenUsage(Valid()) { Tokens = -1 }));

    [Theory]
    [InlineData("2025-07-01")]
    [InlineData("2025-13-01")]
    [InlineData("2025-6-30")]
    [InlineData("")]
    [InlineData("1999-12-31")]
    public void BadOrFutureDaysAreRejected(string day) => Assert.Equal(["usages[0].day"], UsageViolations(new TokenUsage(Valid()) { Day = day }));

    [Fact]
    public void EmptyAndOverlongNamesAreRejected() =>
        Assert.Equal(["usages[0].provider", "usages[0].model"], UsageViolations(new TokenUsage(Valid()) { Provider = " ", Model = new string('m', 201) }));

    [Fact]
    public void CorpusWithMoreChineseThanTotalTokensIsRejected()
    {
        var ex = Assert.Throws<RpcException>(() => RequestValidation.ValidateCorpus(
            new ReportTrainingCorpusRequest { Provider = "p", Model = "m", TotalTokens = 5, ChineseTokens = 6, AsOf = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch) },
            DateTimeOffset.UtcNow));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("chinese_tokens", ex.Status.Detail);
    }

    [Fact]
    public void CorpusReportFromTheFutureIsRejected()
    {
        var now = new DateTimeOffset(2025, 6, 30, 0, 0, 0, TimeSpan.Zero);

        var ex = Assert.Throws<RpcException>(() => RequestValidation.ValidateCorpus(
            new ReportTrainingCorpusRequest { Provider = "p", Model = "m", TotalTokens = 5, ChineseTokens = 1, AsOf = Timestamp.FromDateTimeOffset(now.AddSeconds(1)) },
            now));

        Assert.Contains("as_of", ex.Status.Detail);
    }

    [Fact]
    public void SeriesRangeOfMoreThanTheLimitIsRejected()
    {
        var ex = Assert.Throws<RpcException>(() => RequestValidation.ValidateSeries(
            new GetIndicatorSeriesRequest { Indicator = Indicator.H6DailyTokens, FromDay = "2000-01-01", ToDay = "2025-06-30", Granularity = Granularity.Day },
            Today));

        Assert.Contains("to_day", ex.Status.Detail);
    }

    [Fact]
    public void SeriesOverEighteenMonthsIsAccepted()
    {
        var (from, to) = RequestValidation.ValidateSeries(
            new GetIndicatorSeriesRequest { Indicator = Indicator.H6DailyTokens, FromDay = "2024-01-01", ToDay = "2025-06-30", Granularity = Granularity.Day },
            Today);

        Assert.Equal((new DateOnly(2024, 1, 1), Today), (from, to));
    }

    [Fact]
    public void SeriesWithoutGranularityIsRejected() =>
        Assert.Throws<RpcException>(() => RequestValidation.ValidateSeries(
            new GetIndicatorSeriesRequest { Indicator = Indicator.H1CertifiedDatasets, FromDay = "2024-01-01", ToDay = "2024-01-02" }, Today));
}
