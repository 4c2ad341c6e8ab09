using Google.Protobuf.WellKnownTypes;
using Platform.Infrastructure.Grpc;
using Platform.Trading.Domain;

namespace Platform.Trading.UnitTests;

public sealed class BusinessTimeTests
{
    private static readonly DateTimeOffset Now = new(2025, 7, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void UnsetTimeMeansNow()
    {
        var violations = new FieldViolations();

        Assert.Equal(Now, BusinessTime.Resolve(null, Now, "placed_at", violations));
        Assert.False(violations.Any);
    }

    [Fact]
    public void HistoricalTimeIsKept()
    {
        var violations = new FieldViolations();
        var at = new DateTimeOffset(2024, 3, 15, 8, 30, 0, TimeSpan.Zero);

        Assert.Equal(at, BusinessTime.Resolve(Timestamp.FromDateTimeOffset(at), Now, "placed_at", violations));
        Assert.False(violations.Any);
    }

    [Fact]
    public void FutureTimeIsInvalid()
    {
        var violations = new FieldViolations();

        Assert.Null(BusinessTime.Resolve(Timestamp.FromDateTimeOffset(Now.AddMinutes(1)), Now, "placed_at", violations));
        Assert.True(violations.Any);
    }

    [Fact]
    public void OutOfRangeTimestampIsInvalidNotAnError()
    {
        var violations = new FieldViolations();

        Assert.Null(BusinessTime.Resolve(new Timestamp { Seconds = long.MinValue }, Now, "placed_at", violations));
        Assert.Null(BusinessTime.Resolve(new Timestamp { Seconds = 1_700_000_000, Nanos = -1 }, Now, "placed_at", violations));
        Assert.True(violations.Any);
    }

    [Fact]
    public void TimeIsTruncatedToMicrosecondsAsStored()
    {
        var violations = new FieldViolations();
        var at = new DateTimeOffset(2024, 3, 15, 8, 30, 0, TimeSpan.Zero).AddTicks(1234567);

        Assert.Equal(at.AddTicks(-7), BusinessTime.Resolve(Timestamp.FromDateTimeOffset(at), Now, "placed_at", violations));
    }
}
