using Platform.Infrastructure.Errors;

namespace Platform.Infrastructure.Grpc;

/// <summary>The checks every batch write makes of its <c>requests</c> before looking at any item.</summary>
public static class BatchWrites
{
    public const int MaxItems = 500;

    /// <summary>A batch write holds 1..<see cref="MaxItems"/> items; false (with a violation on <c>requests</c>) otherwise.</summary>
    public static bool Size(int count, FieldViolations violations)
    {
        var ok = count is > 0 and <= MaxItems;
        violations.Require(ok, "requests", $"must hold 1 to {MaxItems} items, not {count}");
        return ok;
    }

    /// <summary>
    /// The violations of a batch write's shape: its size (thrown at once when wrong, before any item is looked at) and
    /// its items' request ids; the caller adds the items' own violations and throws.
    /// </summary>
    public static FieldViolations Violations(IReadOnlyList<string> requestIds)
    {
        var violations = new FieldViolations();
        if (!Size(requestIds.Count, violations))
        {
            violations.ThrowIfAny();
        }

        RequestIds(requestIds, violations);
        return violations;
    }

    /// <summary>
    /// Every item of a batch write carries its own request id, distinct within the batch: the id is what makes a
    /// retried batch (or a batch overlapping earlier single calls) return the stored results item by item.
    /// </summary>
    public static void RequestIds(IReadOnlyList<string> requestIds, FieldViolations violations)
    {
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < requestIds.Count; i++)
        {
            var field = ItemNaming.Batch.Field(i, Fields.RequestId);
            if (violations.RequestIdOf(requestIds[i], required: true, field) is { } requestId && !first.TryAdd(requestId, i))
            {
                violations.Add(field, $"repeats requests[{first[requestId]}].request_id");
            }
        }
    }
}

/// <summary>The limit of batch reads (catalog's <c>BatchGetDatasets</c>), which their callers chunk by.</summary>
public static class BatchReads
{
    public const int MaxIds = 100;
}
