using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Platform.ScenarioLoader.Loading;

/// <summary>
/// Starts a trace per call and marks all but one call in <c>every</c> as not sampled (W3C traceparent flags 00). The
/// services sample parent-based, so a bulk load records a representative few traces instead of millions of spans,
/// whose export cost the services and the dashboard about a third of the machine during the load.
/// </summary>
internal sealed class TraceSampling(int every) : Interceptor
{
    private long _calls;

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, WithTraceParent(context));

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(WithTraceParent(context));

    private ClientInterceptorContext<TRequest, TResponse> WithTraceParent<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class
    {
        var sampled = Interlocked.Increment(ref _calls) % every == 1;
        var headers = new Metadata();
        foreach (var entry in context.Options.Headers ?? [])
        {
            headers.Add(entry);
        }

        headers.Add("traceparent", $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-{(sampled ? "01" : "00")}");
        return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers));
    }
}
