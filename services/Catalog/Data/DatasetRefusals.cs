using Platform.Infrastructure.Errors;

namespace Platform.Catalog.Data;

/// <summary>The refusals of a dataset write: a stale version, or a step the certification state machine does not allow.</summary>
internal static class DatasetRefusals
{
    /// <summary>ABORTED when the dataset changed since the client read it (<paramref name="expectedVersion"/> 0 skips the check).</summary>
    internal static void RequireVersion(DatasetRow current, long expectedVersion)
    {
        if (expectedVersion != 0 && current.Version != expectedVersion)
        {
            throw Refusal.Aborted($"Dataset '{current.Id}' is at version {current.Version}, not {expectedVersion}: read it again and retry.");
        }
    }

    /// <summary>FAILED_PRECONDITION with the state machine's reason, when there is one.</summary>
    internal static void Reject(string? reason)
    {
        if (reason is not null)
        {
            throw Refusal.FailedPrecondition(reason);
        }
    }

    internal static void Reject(ItemNaming naming, int index, Guid id, string? reason)
    {
        if (reason is not null)
        {
            throw naming.FailedPrecondition(index, reason, $"dataset '{id}'");
        }
    }
}
