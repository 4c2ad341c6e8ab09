using Platform.Contracts;
using Platform.Trading.Domain;
using Platform.Trading.V1;

namespace Platform.Trading.UnitTests;

public sealed class NamesTests
{
    [Theory]
    [InlineData(TradeType.Purchase, "purchase")]
    [InlineData(TradeType.Subscription, "subscription")]
    [InlineData(TradeType.EquityContribution, "equity_contribution")]
    public void TradeTypesAreLowerSnakeCaseAndRoundTrip(TradeType type, string name)
    {
        Assert.Equal(name, Names.Of(type));
        Assert.Equal(type, Names.TradeTypeOf(name));
    }

    [Fact]
    public void ProductKindsUseTheContractConstants()
    {
        Assert.Equal(ProductKinds.HighQualityDataset, Names.Of(ProductKind.HighQualityDataset));
        Assert.Equal(ProductKinds.Other, Names.Of(ProductKind.Other));
        Assert.Equal(ProductKind.HighQualityDataset, Names.ProductKindOf(ProductKinds.HighQualityDataset));
    }
}
