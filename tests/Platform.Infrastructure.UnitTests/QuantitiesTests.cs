using Platform.Infrastructure.Grpc;

namespace Platform.Infrastructure.UnitTests;

public sealed class QuantitiesTests
{
    [Theory]
    [InlineData(1, true)]
    [InlineData(Quantities.MaxVolumeBytes, true)]
    [InlineData(Quantities.MaxVolumeBytes + 1, false)]
    [InlineData(long.MaxValue, false)]
    [InlineData(0, false)]
    [InlineData(-1, false)]
    public void AQuantityIsPositiveAndAtMostItsBound(long value, bool valid)
    {
        var violations = new FieldViolations().Quantity(value, "volume_bytes", Quantities.MaxVolumeBytes, "bytes");
        Assert.Equal(!valid, violations.Any);
    }

    [Fact]
    public void ZeroIsAllowedWhereAsked() =>
        Assert.False(new FieldViolations().Quantity(0, "token_count", Quantities.MaxTokens, "tokens", allowZero: true).Any);

    [Fact]
    public void TheViolationStatesTheBound()
    {
        var error = new FieldViolations().Quantity(long.MaxValue, "amount_fen", Quantities.MaxAmountFen, "fen").ToException();
        Assert.Contains("at most 10,000,000,000,000 fen", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void TotalsSaturateAtTheInt64BoundaryAndStayExactBesideIt()
    {
        decimal fits = long.MaxValue;
        var beyond = fits + 1;

        Assert.Equal(long.MaxValue, Totals.Saturated(fits));
        Assert.Equal("9223372036854775807", Totals.Exact(fits).Value);
        Assert.Equal(long.MaxValue, Totals.Saturated(beyond));
        Assert.Equal("9223372036854775808", Totals.Exact(beyond).Value);
        Assert.Equal(beyond, Totals.Parse(Totals.Exact(beyond)));
        Assert.Equal("0", Totals.Exact(0).Value);
    }

    [Fact]
    public void TenDatasetsAtTheBoundExceedInt64AndStayExact()
    {
        var total = Enumerable.Repeat((decimal)Quantities.MaxVolumeBytes, 10).Sum();
        Assert.Equal("10000000000000000000", Totals.Exact(total).Value);
        Assert.Equal(long.MaxValue, Totals.Saturated(total));
    }
}
