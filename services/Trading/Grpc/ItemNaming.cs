using Grpc.Core;
using Platform.Infrastructure.Grpc;

namespace Platform.Trading.Grpc;

/// <summary>
/// How a write names its items in errors. A single call names fields as they are (<c>request_id</c>); a batch call
/// prefixes the item's index (<c>requests[3].request_id</c>) and names the item in FAILED_PRECONDITION, NOT_FOUND and
/// ALREADY_EXISTS, so the client knows which item stopped the batch.
/// </summary>
internal sealed class ItemNaming
{
    public static readonly ItemNaming Single = new(batch: false);
    public static readonly ItemNaming Batch = new(batch: true);

    private readonly bool _batch;

    private ItemNaming(bool batch) => _batch = batch;

    public bool IsBatch => _batch;

    /// <summary>The prefix of item <paramref name="index"/>'s fields: empty for a single call.</summary>
    public string Prefix(int index) => _batch ? $"requests[{index}]." : "";

    public string Field(int index, string field) => Prefix(index) + field;

    public RpcException FailedPrecondition(int index, string reason) => GrpcErrors.FailedPrecondition(Item(index, reason));

    public RpcException AlreadyExists(int index, string reason) => GrpcErrors.AlreadyExists(Item(index, reason));

    public RpcException NotFound(int index, string what, string id) =>
        _batch
            ? new RpcException(new Status(StatusCode.NotFound, $"requests[{index}]: {what} '{id}' was not found."))
            : GrpcErrors.NotFound(what, id);

    private string Item(int index, string reason) => _batch ? $"requests[{index}]: {reason}" : reason;
}
