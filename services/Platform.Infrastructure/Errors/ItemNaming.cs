namespace Platform.Infrastructure.Errors;

/// <summary>
/// How a write names its items in errors. A single call names fields as they are (<c>request_id</c>); a batch call
/// (AIP-233 style, <c>requests</c>) prefixes the item's index (<c>requests[3].request_id</c>) and names the item in
/// FAILED_PRECONDITION, NOT_FOUND and ALREADY_EXISTS, so the client knows which item stopped the batch.
/// </summary>
public sealed class ItemNaming
{
    public static readonly ItemNaming Single = new(batch: false);
    public static readonly ItemNaming Batch = new(batch: true);

    private readonly bool _batch;

    private ItemNaming(bool batch) => _batch = batch;

    public bool IsBatch => _batch;

    /// <summary>The prefix of item <paramref name="index"/>'s fields: empty for a single call.</summary>
    public string Prefix(int index) => _batch ? $"requests[{index}]." : "";

    public string Field(int index, string field) => Prefix(index) + field;

    /// <param name="subject">What the item is about (say, "dataset '…'"), named beside the item in a batch.</param>
    public RefusalException FailedPrecondition(int index, string reason, string? subject = null) =>
        Refusal.FailedPrecondition(Item(index, reason, subject));

    public RefusalException AlreadyExists(int index, string reason) => Refusal.AlreadyExists(Item(index, reason));

    public RefusalException NotFound(int index, string what, string id) =>
        _batch
            ? Refusal.NotFound(what, id, $"requests[{index}]: {what} '{id}' was not found.")
            : Refusal.NotFound(what, id);

    private string Item(int index, string reason, string? subject = null) =>
        !_batch ? reason : subject is null ? $"requests[{index}]: {reason}" : $"requests[{index}] ({subject}): {reason}";
}
