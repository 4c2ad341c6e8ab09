using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Platform.Infrastructure.Access;

namespace Platform.Infrastructure.Writes;

/// <summary>
/// Who makes a write and through which method. <see cref="Scope"/> is the method whose request ids the write shares:
/// the single method's name, also for the items of its batch method (so a batch item and a single call with the same
/// request id are the same request). <see cref="Method"/> is the method called, as the audit trail records it.
/// </summary>
public sealed record WriteCall(Caller Caller, string Method, string Scope)
{
    /// <param name="scope">The single method's name; null for the method called itself.</param>
    public static WriteCall Of(ServerCallContext context, string? scope = null)
    {
        var method = MethodName(context.Method);
        return new(Caller.Of(context), method, scope ?? method);
    }

    /// <summary>"CertifyDataset" of "/platform.catalog.v1.CatalogService/CertifyDataset".</summary>
    public static string MethodName(string fullMethod) => fullMethod[(fullMethod.LastIndexOf('/') + 1)..];
}

/// <summary>
/// One item of a write: its request id (empty: the caller asked for no idempotency, the write is done each time it
/// is sent) and the request it carries, whose fingerprint tells a retry from another request under the same id.
/// </summary>
public readonly record struct WriteItem(string RequestId, IMessage Request);

/// <summary>
/// What a write did for one item: the answer (stored under its request id and replayed to every retry), the ids of
/// the resources it wrote and their owner (organisation or exchange) for the audit trail, and what to do once the
/// transaction has committed (refresh a cache, say).
/// </summary>
public sealed record Written<T>(
    T Response, IReadOnlyList<string> ResourceIds, string? Owner = null, Action? Committed = null, IReadOnlyList<RecordChange>? Changes = null);

/// <summary>The fingerprint of a request: SHA-256 of its protobuf bytes with <c>request_id</c> cleared.</summary>
public static class RequestFingerprint
{
    public static byte[] Of(IMessage request)
    {
        if (request.Descriptor.FindFieldByName(Grpc.Fields.RequestId) is { } field && (string)field.Accessor.GetValue(request) != "")
        {
            var copy = request.Descriptor.Parser.ParseFrom(request.ToByteString());
            field.Accessor.Clear(copy);
            request = copy;
        }

        return SHA256.HashData(request.ToByteArray());
    }
}
