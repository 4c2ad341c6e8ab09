using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Infrastructure.Errors;

namespace Platform.Infrastructure.Grpc;

/// <summary>
/// Turns what the layers below the gRPC services throw into precise statuses instead of UNKNOWN: a refusal of the data
/// or write layer (<see cref="RefusalException"/>) into the status of its kind, a database that cannot be reached
/// is UNAVAILABLE (the caller may retry), a cancelled call is CANCELLED, an exhausted deadline DEADLINE_EXCEEDED.
/// </summary>
public sealed partial class ExceptionMappingInterceptor(ILogger<ExceptionMappingInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (Map(ex, context) is { } mapped)
        {
            throw mapped;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception ex) when (Map(ex, context) is { } mapped)
        {
            throw mapped;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (Map(ex, context) is { } mapped)
        {
            throw mapped;
        }
    }

    private RpcException? Map(Exception exception, ServerCallContext context)
    {
        switch (exception)
        {
            case RpcException:
                return null;
            case RefusalException refusal:
                return GrpcErrors.Of(refusal);
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                return new RpcException(new Status(
                    context.Deadline <= DateTime.UtcNow ? StatusCode.DeadlineExceeded : StatusCode.Cancelled,
                    "The call was cancelled by the caller."));
            case PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter }:
                // Text PostgreSQL cannot store (a NUL character, say): bad input, not a server fault.
                return new RpcException(new Status(StatusCode.InvalidArgument, "A text field contains a character that cannot be stored (such as NUL)."));
            case NpgsqlException { IsTransient: true } or TimeoutException:
                LogUnavailable(logger, context.Method, exception);
                return new RpcException(new Status(StatusCode.Unavailable, "A backing store is unavailable; retry later."));
            default:
                return null;
        }
    }

    [LoggerMessage(LogLevel.Warning, "{Method} failed: a backing store is unavailable")]
    private static partial void LogUnavailable(ILogger logger, string method, Exception exception);
}
