using Platform.Infrastructure.Grpc;
using Platform.Trading.Grpc;
using Platform.Trading.V1;

namespace Platform.Trading.UnitTests;

public sealed class ValidationTests
{
    [Theory]
    [InlineData("bj", "BJ")]
    [InlineData(" SH ", "SH")]
    [InlineData("HAINAN_2", "HAINAN_2")]
    public void ExchangeCodesAreNormalisedToUpperCase(string input, string expected)
    {
        var violations = new FieldViolations();

        Assert.Equal(expected, violations.ExchangeCode(input, "exchange_code", required: true));
        Assert.False(violations.Any);
    }

    [Theory]
    [InlineData("B")]
    [InlineData("1BJ")]
    [InlineData("北京")]
    [InlineData("B J")]
    [InlineData("ABCDEFGHIJKLMNOPQ")]
    public void MalformedExchangeCodesAreViolations(string input)
    {
        var violations = new FieldViolations();

        Assert.Null(violations.ExchangeCode(input, "exchange_code", required: true));
        Assert.True(violations.Any);
    }

    [Fact]
    public void EmptyOptionalExchangeCodeIsNoFilter()
    {
        var violations = new FieldViolations();

        Assert.Null(violations.ExchangeCode("", "exchange_code", required: false));
        Assert.False(violations.Any);
    }

    [Fact]
    public void UnknownEnumNumberIsAViolationEvenWhenOptional()
    {
        var violations = new FieldViolations();

        Assert.Null(violations.Enum((TradeType)42, "type", allowUnspecified: true));
        Assert.True(violations.Any);
    }

    [Fact]
    public void UnspecifiedEnumIsAViolationOnlyWhenRequired()
    {
        var optional = new FieldViolations();
        var required = new FieldViolations();

        Assert.Null(optional.Enum(TradeType.Unspecified, "type", allowUnspecified: true));
        Assert.Null(required.Enum(TradeType.Unspecified, "type", allowUnspecified: false));
        Assert.False(optional.Any);
        Assert.True(required.Any);
    }
}
