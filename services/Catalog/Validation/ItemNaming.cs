using Grpc.Core;
using Platform.Infrastructure.Grpc;

namespace Platform.Catalog.Validation;

/// <summary>
/// How a write names its items in errors. A single call names fields as they are (<c>request_id</c>); a batch call
/// prefixes the item's index (<c>requests[3].request_id</c>) and names the item and dataset in FAILED_PRECONDITION
/// and NOT_FOUND, so the client knows which item stopped the batch.
/// </summary>
internal sealed class ItemNaming
{
    public static readonly ItemNaming Single = new(batch: false);
    public static readonly ItemNaming Batch = new(batch: true);

    private readonly bool _batch;

    private ItemNaming(bool batch) => _batch = batch;

    public string Field(int index, string field) => _batch ? $"requests[{index}].{field}" : field;

    public RpcException FailedPrecondition(int index, Guid datasetId, string reason) =>
        GrpcErrors.FailedPrecondition(_batch ? $"requests[{index}] (dataset '{datasetId}'): {reason}" : reason);

    public RpcException NotFound(int index, Guid datasetId) =>
        _batch
            ? new RpcException(new Status(StatusCode.NotFound, $"requests[{index}]: Dataset '{datasetId}' was not found."))
            : GrpcErrors.NotFound("Dataset", datasetId.ToString());
}
