using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Platform.Infrastructure.Access;

namespace Platform.Infrastructure.Writes;

/// <summary>
/// Marks a gRPC method as a write: it goes through the <see cref="WritePath"/> (which records its successes in the audit
/// trail), its refusals are recorded by <see cref="RefusedWriteInterceptor"/>, and it counts against the caller's write
/// rate limit. Every other method is a read.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class WriteMethodAttribute : Attribute
{
    /// <summary>Whether the endpoint the request was routed to is a write method.</summary>
    public static bool IsWrite(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<WriteMethodAttribute>() is not null;
}

/// <summary>
/// Records a refused write in the audit trail, outside the write's (rolled back) transaction: a request the caller may
/// not make, an invalid one, one the resource's state forbids. Failures of the platform itself (UNAVAILABLE,
/// CANCELLED, ...) and throttling (RESOURCE_EXHAUSTED from the write limiter, which runs before this) are not
/// decisions about the request and are not recorded. A refusal the authorisation middleware makes (no or a wrong
/// token) is recorded by <see cref="GrpcAuthorizationResultHandler"/> through <see cref="RecordAsync(HttpContext, StatusCode, string)"/>.
/// </summary>
public sealed partial class RefusedWriteInterceptor(AuditTrail audit, WriteMeters meters, TimeProvider time, ILogger<RefusedWriteInterceptor> logger) : Interceptor
{
    private static readonly HashSet<StatusCode> Refusals =
    [
        StatusCode.InvalidArgument, StatusCode.FailedPrecondition, StatusCode.NotFound, StatusCode.AlreadyExists,
        StatusCode.PermissionDenied, StatusCode.Unauthenticated, StatusCode.Aborted, StatusCode.OutOfRange,
    ];

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (RpcException ex) when (IsAuditedRefusal(context, ex))
        {
            await RecordAsync(context, request as IMessage, ex.Status);
            throw;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (RpcException ex) when (IsAuditedRefusal(context, ex))
        {
            await RecordAsync(context, null, ex.Status);
            throw;
        }
    }

    private static bool IsAuditedRefusal(ServerCallContext context, RpcException ex) =>
        Refusals.Contains(ex.StatusCode) && WriteMethodAttribute.IsWrite(context.GetHttpContext());

    private async Task RecordAsync(ServerCallContext context, IMessage? request, Status status)
    {
        var (requestId, resourceIds) = request is null ? ("", []) : RequestFacts(request);
        await RecordAsync(audit, meters, time, logger,
            AuditEntry.Refused(Caller.Of(context), WriteCall.MethodName(context.Method), time.GetUtcNow(), requestId, resourceIds, status));
    }

    /// <summary>Records a write the authorisation middleware refused (before its body was read: no request id).</summary>
    internal static Task RecordAsync(HttpContext context, StatusCode code, string message)
    {
        if (!WriteMethodAttribute.IsWrite(context) || context.RequestServices.GetService<AuditTrail>() is not { } trail)
        {
            return Task.CompletedTask;
        }

        var services = context.RequestServices;
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        return RecordAsync(trail, services.GetRequiredService<WriteMeters>(), time, services.GetRequiredService<ILogger<RefusedWriteInterceptor>>(),
            AuditEntry.Refused(new Caller(context.User), WriteCall.MethodName(context.Request.Path), time.GetUtcNow(), "", [], new Status(code, message)));
    }

    /// <summary>Counts the refusal and appends its event; a trail that cannot be written is logged, never turned into the caller's error.</summary>
    private static async Task RecordAsync(AuditTrail audit, WriteMeters meters, TimeProvider time, ILogger logger, AuditEntry entry)
    {
        meters.Count(entry.Method, entry.Outcome);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), time);
            await audit.AppendAsync(entry, timeout.Token);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or OperationCanceledException or TimeoutException)
        {
            LogNotRecorded(logger, entry.Method, entry.Outcome, ex);
        }
    }

    /// <summary>
    /// The request id and the ids of the resources a request names: string fields named <c>id</c> or <c>*_id</c> (not
    /// <c>request_id</c>), at the top, in a singular message field (<c>dataset.id</c>) and in a batch's <c>requests</c>.
    /// </summary>
    internal static (string RequestId, string[] ResourceIds) RequestFacts(IMessage request)
    {
        var requestId = request.Descriptor.FindFieldByName(Grpc.Fields.RequestId) is { FieldType: FieldType.String } field
            ? (string)field.Accessor.GetValue(request)
            : "";
        var ids = new List<string>();
        CollectIds(request, ids, depth: 0);
        return (requestId, ids.Where(i => i.Length is > 0 and <= Grpc.Fields.MaxRequestIdLength).Distinct().Take(100).ToArray());
    }

    private static void CollectIds(IMessage message, List<string> ids, int depth)
    {
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            if (field.FieldType == FieldType.String && !field.IsRepeated && field.Name != Grpc.Fields.RequestId
                && (field.Name == "id" || field.Name.EndsWith("_id", StringComparison.Ordinal)))
            {
                ids.Add((string)field.Accessor.GetValue(message));
            }
            else if (depth == 0 && field.FieldType == FieldType.Message && !field.IsRepeated && field.Accessor.GetValue(message) is IMessage inner)
            {
                CollectIds(inner, ids, depth + 1);
            }
            else if (depth == 0 && field.FieldType == FieldType.Message && field.IsRepeated && field.Name == "requests")
            {
                foreach (var item in ((System.Collections.IList)field.Accessor.GetValue(message)).OfType<IMessage>())
                {
                    CollectIds(item, ids, depth + 1);
                }
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "The audit event of a refused {Method} ({Outcome}) could not be recorded")]
    private static partial void LogNotRecorded(ILogger logger, string method, string outcome, Exception exception);
}
