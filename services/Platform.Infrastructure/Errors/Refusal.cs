namespace Platform.Infrastructure.Errors;

/// <summary>Why the platform's state refuses a request; each has the gRPC status of the same name.</summary>
public enum RefusalKind
{
    InvalidArgument,
    NotFound,
    AlreadyExists,
    FailedPrecondition,
    Aborted,
    ResourceExhausted,
}

/// <summary>
/// A request the stored state refuses (the dataset does not exist, the listing is delisted, the version moved on),
/// thrown by the data and write layers, which know nothing of gRPC. <c>ExceptionMappingInterceptor</c> answers it with
/// the status of its <see cref="Kind"/> (a NOT_FOUND with the resource in a <c>google.rpc.ResourceInfo</c>).
/// </summary>
public sealed class RefusalException : Exception
{
    public RefusalException(RefusalKind kind, string message, string? resourceType = null, string? resourceId = null, string? field = null)
        : base(message)
    {
        Kind = kind;
        ResourceType = resourceType;
        ResourceId = resourceId;
        Field = field;
    }

    public RefusalKind Kind { get; }

    /// <summary>For <see cref="RefusalKind.NotFound"/>: the kind of resource that does not exist (<c>Dataset</c>).</summary>
    public string? ResourceType { get; }

    /// <summary>For <see cref="RefusalKind.NotFound"/>: the id that names no resource.</summary>
    public string? ResourceId { get; }

    /// <summary>For <see cref="RefusalKind.InvalidArgument"/>: the field the stored state shows to be wrong; the message says why.</summary>
    public string? Field { get; }
}

/// <summary>The refusals the data and write layers throw.</summary>
public static class Refusal
{
    /// <summary>A field that only the stored state shows to be wrong (an objection id that is not open, say).</summary>
    public static RefusalException InvalidField(string field, string description) =>
        new(RefusalKind.InvalidArgument, description, field: field);

    public static RefusalException NotFound(string what, string id, string? message = null) =>
        new(RefusalKind.NotFound, message ?? $"{what} '{id}' was not found.", what, id);

    public static RefusalException AlreadyExists(string message) => new(RefusalKind.AlreadyExists, message);

    public static RefusalException FailedPrecondition(string message) => new(RefusalKind.FailedPrecondition, message);

    public static RefusalException Aborted(string message) => new(RefusalKind.Aborted, message);

    public static RefusalException ResourceExhausted(string message) => new(RefusalKind.ResourceExhausted, message);
}
