using Platform.Infrastructure.Grpc;

namespace Platform.Infrastructure.UnitTests;

public sealed class WriteMethodTests
{
    [Theory]
    [InlineData("/platform.catalog.v1.CatalogService/RegisterDataset")]
    [InlineData("/platform.catalog.v1.CatalogService/BatchCertifyDatasets")]
    [InlineData("/platform.trading.v1.TradingService/SettleTrade")]
    [InlineData("/platform.metrics.v1.MetricsService/RebuildIndicators")]
    public void StateChangingMethodsAreWrites(string method) => Assert.True(WriteRateLimiter.IsWrite(method));

    [Theory]
    [InlineData("/platform.catalog.v1.CatalogService/GetDataset")]
    [InlineData("/platform.catalog.v1.CatalogService/BatchGetDatasets")]
    [InlineData("/platform.catalog.v1.CatalogService/SearchDatasets")]
    [InlineData("/platform.trading.v1.TradingService/ListTrades")]
    [InlineData("/platform.metrics.v1.MetricsService/WatchHeadlineIndicators")]
    [InlineData("/grpc.health.v1.Health/Check")]
    [InlineData("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")]
    public void ReadsAndOtherServicesMethodsAreNotWrites(string method) => Assert.False(WriteRateLimiter.IsWrite(method));
}
