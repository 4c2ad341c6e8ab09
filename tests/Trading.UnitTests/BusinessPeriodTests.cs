using Platform.Trading.Domain;

namespace Platform.Trading.UnitTests;

public sealed class BusinessPeriodTests
{
    [Fact]
    public void YearRunsFromNewYearToNewYearInChinaStandardTime()
    {
        var year = BusinessPeriod.Of(2025, 0);

        Assert.Equal(new DateTimeOffset(2024, 12, 31, 16, 0, 0, TimeSpan.Zero), year.Start);
        Assert.Equal(new DateTimeOffset(2025, 12, 31, 16, 0, 0, TimeSpan.Zero), year.End);
    }

    [Fact]
    public void DecemberEndsAtTheNextYear()
    {
        var december = BusinessPeriod.Of(2024, 12);

        Assert.Equal(new DateTimeOffset(2024, 11, 30, 16, 0, 0, TimeSpan.Zero), december.Start);
        Assert.Equal(new DateTimeOffset(2024, 12, 31, 16, 0, 0, TimeSpan.Zero), december.End);
    }

    [Theory]
    [InlineData(1999, 0)]
    [InlineData(2025, 13)]
    [InlineData(2025, -1)]
    [InlineData(0, 0)]
    public void InvalidPeriodsAreRefused(int year, int month)
    {
        Assert.False(BusinessPeriod.IsValid(year, month));
        Assert.Throws<ArgumentOutOfRangeException>(() => BusinessPeriod.Of(year, month));
    }
}
