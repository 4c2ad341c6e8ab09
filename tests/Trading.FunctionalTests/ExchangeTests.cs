using Grpc.Core;
using Platform.Testing;
using Platform.Trading.V1;

namespace Platform.Trading.FunctionalTests;

[Collection(TradingCollection.Name)]
public sealed class ExchangeTests(TradingFixture fixture)
{
    [Fact]
    public async Task ReferenceExchangesAreSeededWithTheirEquityPilots()
    {
        var exchanges = (await fixture.Client.ListExchangesAsync(new ListExchangesRequest())).Exchanges.ToDictionary(e => e.Code);

        Assert.Equal("北京国际大数据交易所", exchanges["BJ"].LocalName);
        Assert.Equal("上海数据交易所", exchanges["SH"].LocalName);
        Assert.False(exchanges["BJ"].EquityPilot);
        Assert.True(exchanges["SH"].EquityPilot);
        Assert.True(exchanges["TJ"].EquityPilot);
        Assert.True(exchanges["AH"].EquityPilot);
        Assert.False(exchanges["SZ"].EquityPilot);
        Assert.Equal("Guizhou", exchanges["GY"].Province);
    }

    [Fact]
    public async Task CreateExchangeWithAnExistingCodeIsAlreadyExists()
    {
        var exchange = await fixture.NewExchangeAsync();

        await GrpcAssert.FailsWith(StatusCode.AlreadyExists, async () => await fixture.Client.CreateExchangeAsync(new CreateExchangeRequest
        {
            RequestId = Guid.NewGuid().ToString(), Code = exchange.Code, Name = "again", Province = "Hainan",
        }));
        await GrpcAssert.FailsWith(StatusCode.AlreadyExists, async () => await fixture.Client.CreateExchangeAsync(new CreateExchangeRequest
        {
            Code = "BJ", Name = "Beijing again", Province = "Beijing",
        }));
    }

    [Fact]
    public async Task RetriedCreateExchangeReturnsTheExchange()
    {
        var request = new CreateExchangeRequest { RequestId = Guid.NewGuid().ToString(), Code = "R" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant(), Name = "Retry", Province = "Hainan", EquityPilot = true };

        var first = await fixture.Client.CreateExchangeAsync(request);
        var second = await fixture.Client.CreateExchangeAsync(request);

        Assert.Equal(first, second);
        Assert.True(second.EquityPilot);
    }

    [Theory]
    [InlineData("北京")]
    [InlineData("zpx")]
    [InlineData("Zpx")]
    [InlineData(" ZPX")]
    [InlineData("ZPX ")]
    [InlineData("Z")]
    [InlineData("9ZPX")]
    public Task CreateExchangeRejectsACodeNotWrittenAsStored(string code) =>
        GrpcAssert.InvalidField("code", async () => await fixture.Client.CreateExchangeAsync(new CreateExchangeRequest { Code = code, Name = "x", Province = "Beijing" }));

    [Fact]
    public async Task FiltersNameAnExchangeInAnyCase()
    {
        var exchange = await fixture.NewExchangeAsync();
        await fixture.NewOtherListingAsync(exchange.Code);

        var listed = await fixture.Client.ListListingsAsync(new ListListingsRequest { ExchangeCode = " " + exchange.Code.ToLowerInvariant() });
        Assert.Equal(exchange.Code, Assert.Single(listed.Listings).ExchangeCode);
    }
}
