using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Platform.Metrics.Data;
using Platform.Metrics.V1;

namespace Platform.Metrics.Grpc;

internal sealed class MetricsGrpcService(HeadlineCache cache) : MetricsService.MetricsServiceBase
{
    public override async Task<HeadlineIndicators> GetHeadlineIndicators(GetHeadlineIndicatorsRequest request, ServerCallContext context)
    {
        var snapshot = await cache.GetAsync(context.CancellationToken);
        return new HeadlineIndicators
        {
            ListedBytes = snapshot.ListedBytes,
            ListingCount = snapshot.ListingCount,
            AsOf = Timestamp.FromDateTimeOffset(snapshot.AsOf),
        };
    }
}
