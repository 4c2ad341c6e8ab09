using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Platform.ScenarioLoader.Loading;

/// <summary>
/// Gives every unary call without a deadline of its own <see cref="Limit"/>. An answer lost on the way (seen once: the
/// service had committed a batch and finished the call, the loader's stream still waited for its headers) then ends in
/// DEADLINE_EXCEEDED, which <see cref="Calls.RetryAsync{T}"/> retries under the same request ids (the retry is answered
/// from the stored answers), instead of waiting for ever. Streams keep no limit: the token-usage stream runs as long
/// as the plan's reports take.
/// </summary>
internal sealed class UnaryDeadline(TimeSpan limit, TimeProvider? time = null) : Interceptor
{
    /// <summary>Far above a batch's time under a ×10 load (seconds), short enough that a lost answer costs a minute.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        if (context.Options.Deadline is null)
        {
            context = new ClientInterceptorContext<TRequest, TResponse>(
                context.Method, context.Host, context.Options.WithDeadline(_time.GetUtcNow().UtcDateTime + limit));
        }

        return continuation(request, context);
    }
}
