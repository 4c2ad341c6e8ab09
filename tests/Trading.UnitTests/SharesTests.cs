using Platform.Trading.Domain;

namespace Platform.Trading.UnitTests;

public sealed class SharesTests
{
    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(0, 100, 0)]
    [InlineData(80, 100, 8000)]
    [InlineData(100, 100, 10000)]
    [InlineData(1, 3, 3333)]
    [InlineData(2, 3, 6667)]
    [InlineData(1, 20000, 1)] // 0.5 bp rounds half up
    [InlineData(1, 20001, 0)]
    public void BasisPointsAreRoundedHalfUp(long part, long total, int expected) =>
        Assert.Equal(expected, Shares.BasisPoints(part, total));

    [Fact]
    public void BasisPointsDoNotOverflowForNationalTotals()
    {
        // ≈ 4 bn CNY in fen, far beyond where part * 20,000 fits in a long.
        const long total = 4_000_000_000_00L * 1000;
        Assert.Equal(8000, Shares.BasisPoints(total / 10 * 8, total));
    }

    [Fact]
    public void BasisPointsAreExactForTotalsBeyondInt64()
    {
        // A million trades of 10^13 fen each: 10^19 fen, above int64's 9.2 × 10^18.
        var total = 1_000_000m * Platform.Infrastructure.Grpc.Quantities.MaxAmountFen;
        Assert.True(total > long.MaxValue);
        Assert.Equal(8000, Shares.BasisPoints(total / 10 * 8, total));
        Assert.Equal(1, Shares.BasisPoints(total / 20_000, total));
        Assert.Equal(10_000, Shares.BasisPoints(decimal.MaxValue, decimal.MaxValue));
    }

    [Theory]
    [InlineData(8000, "80.00")]
    [InlineData(1000, "10.00")]
    [InlineData(1250, "12.50")]
    [InlineData(5, "0.05")]
    [InlineData(0, "0.00")]
    [InlineData(10000, "100.00")]
    public void PercentHasTwoDecimals(int basisPoints, string expected) =>
        Assert.Equal(expected, Shares.Percent(basisPoints));

    [Fact]
    public void PartLargerThanTotalIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Shares.BasisPoints(101, 100));
}
