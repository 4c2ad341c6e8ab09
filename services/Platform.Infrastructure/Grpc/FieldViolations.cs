using Google.Rpc;
using Grpc.Core;
using Platform.Infrastructure.Errors;

namespace Platform.Infrastructure.Grpc;

/// <summary>
/// Collects invalid fields of a request and throws one INVALID_ARGUMENT carrying a
/// <c>google.rpc.BadRequest</c> with a field violation per field.
/// </summary>
public sealed class FieldViolations
{
    // Created with the first violation: most requests are valid, and every one of them makes a FieldViolations.
    private List<BadRequest.Types.FieldViolation>? _violations;

    public bool Any => _violations is { Count: > 0 };

    public FieldViolations Add(string field, string description)
    {
        (_violations ??= []).Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });
        return this;
    }

    /// <summary>Adds a violation for <paramref name="field"/> when <paramref name="condition"/> is false.</summary>
    public FieldViolations Require(bool condition, string field, string description) =>
        condition ? this : Add(field, description);

    public void ThrowIfAny()
    {
        if (Any)
        {
            throw ToException();
        }
    }

    /// <summary>
    /// At most this many violations travel in the status (the first ones; the message gives the total): the status
    /// goes in HTTP/2 trailers, which clients cap (64 KB in .NET), and a batch of 500 bad items would exceed that
    /// and reach the caller as INTERNAL instead of INVALID_ARGUMENT.
    /// </summary>
    public const int MaxReported = 50;

    public RpcException ToException()
    {
        var violations = _violations ?? [];
        var reported = violations.Take(MaxReported).ToList();
        var message = violations.Count == 1
            ? $"Invalid {violations[0].Field}: {violations[0].Description}"
            : $"{violations.Count} invalid fields{(violations.Count > MaxReported ? $" (the first {MaxReported} in the details)" : "")}: "
              + string.Join(", ", reported.Take(10).Select(v => v.Field)) + (violations.Count > 10 ? ", …" : "");
        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(reported);

        return new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = message,
            Details = { Google.Protobuf.WellKnownTypes.Any.Pack(badRequest) },
        }.ToRpcException();
    }

    /// <summary>Shorthand for a single invalid field.</summary>
    public static RpcException Single(string field, string description) => new FieldViolations().Add(field, description).ToException();
}

/// <summary>The precise statuses the services answer with.</summary>
public static class GrpcErrors
{
    /// <summary>
    /// NOT_FOUND naming the unknown resource in a <c>google.rpc.ResourceInfo</c> detail (type and id), so a caller
    /// (trading asking catalog about many datasets) knows which one without reading the message.
    /// </summary>
    public static RpcException NotFound(string what, string id, string? message = null) =>
        new Google.Rpc.Status
        {
            Code = (int)Code.NotFound,
            Message = message ?? $"{what} '{id}' was not found.",
            Details = { Google.Protobuf.WellKnownTypes.Any.Pack(new ResourceInfo { ResourceType = what, ResourceName = id }) },
        }.ToRpcException();

    /// <summary>The status of a refusal the data or write layer threw: its kind's code and message, with an INVALID_ARGUMENT's field or a NOT_FOUND's resource.</summary>
    public static RpcException Of(RefusalException refusal) => refusal.Kind switch
    {
        RefusalKind.InvalidArgument => FieldViolations.Single(refusal.Field ?? "", refusal.Message),
        RefusalKind.NotFound => NotFound(refusal.ResourceType ?? "Resource", refusal.ResourceId ?? "", refusal.Message),
        RefusalKind.AlreadyExists => new(new global::Grpc.Core.Status(StatusCode.AlreadyExists, refusal.Message)),
        RefusalKind.FailedPrecondition => new(new global::Grpc.Core.Status(StatusCode.FailedPrecondition, refusal.Message)),
        RefusalKind.Aborted => new(new global::Grpc.Core.Status(StatusCode.Aborted, refusal.Message)),
        RefusalKind.ResourceExhausted => new(new global::Grpc.Core.Status(StatusCode.ResourceExhausted, refusal.Message)),
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal.Kind, "A refusal without a status."),
    };

    /// <summary>The resource a NOT_FOUND names in its <c>ResourceInfo</c> detail, or null when it names none.</summary>
    public static ResourceInfo? UnknownResource(RpcException error) =>
        error.StatusCode == StatusCode.NotFound ? error.GetRpcStatus()?.GetDetail<ResourceInfo>() : null;

    public static RpcException Unavailable(string message) =>
        new(new global::Grpc.Core.Status(StatusCode.Unavailable, message));
}
