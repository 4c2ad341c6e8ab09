using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Platform.Catalog.V1;
using Platform.Infrastructure.Grpc;
using Platform.Trading.Data;
using Platform.Trading.V1;

namespace Platform.Trading.Grpc;

internal sealed class TradingGrpcService(ListingRepository listings, CatalogService.CatalogServiceClient catalog) : TradingService.TradingServiceBase
{
    private static readonly TimeSpan CatalogDeadline = TimeSpan.FromSeconds(5);

    public override async Task<Listing> CreateListing(CreateListingRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations()
            .Require(!string.IsNullOrWhiteSpace(request.ExchangeCode), "exchange_code", "must not be empty");
        if (!Guid.TryParse(request.DatasetId, out var datasetId))
        {
            violations.Add("dataset_id", "must be a dataset id (UUID)");
        }

        violations.ThrowIfAny();

        var dataset = await GetDatasetAsync(request.DatasetId, context);
        var row = await listings.CreateAsync(
            string.IsNullOrEmpty(request.RequestId) ? null : request.RequestId,
            request.ExchangeCode.Trim(),
            datasetId,
            dataset.VolumeBytes,
            context.CancellationToken);
        return ToMessage(row);
    }

    public override async Task<Listing> GetListing(GetListingRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.Id, out var id))
        {
            throw FieldViolations.Single("id", "must be a listing id (UUID)");
        }

        var row = await listings.FindAsync(id, context.CancellationToken) ?? throw GrpcErrors.NotFound("Listing", request.Id);
        return ToMessage(row);
    }

    /// <summary>Asks catalog, with a deadline and the caller's cancellation, and maps its answer to ours.</summary>
    private async Task<Dataset> GetDatasetAsync(string datasetId, ServerCallContext context)
    {
        try
        {
            return await catalog.GetDatasetAsync(
                new GetDatasetRequest { Id = datasetId },
                deadline: DateTime.UtcNow.Add(CatalogDeadline),
                cancellationToken: context.CancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            throw GrpcErrors.NotFound("Dataset", datasetId);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded && !context.CancellationToken.IsCancellationRequested)
        {
            throw GrpcErrors.Unavailable($"The catalog service is unavailable: {ex.Status.Detail}");
        }
    }

    private static Listing ToMessage(ListingRow row) => new()
    {
        Id = row.Id.ToString(),
        ExchangeCode = row.ExchangeCode,
        DatasetId = row.DatasetId.ToString(),
        ListedVolumeBytes = row.ListedVolumeBytes,
        CreatedAt = Timestamp.FromDateTime(DateTime.SpecifyKind(row.CreatedAt, DateTimeKind.Utc)),
    };
}
