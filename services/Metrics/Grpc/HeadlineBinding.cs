using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using Platform.Metrics.Indicators;
using Platform.Metrics.V1;

namespace Platform.Metrics.Grpc;

/// <summary>
/// Serves <c>GetHeadlineIndicators</c> from bytes serialised once per snapshot. The headline is the hottest call of
/// the platform and its message is several kilobytes: serialising it per call cost more than the rest of the call.
/// The wire format is exactly the generated one (the same <see cref="HeadlineIndicators"/> bytes), so clients use the
/// generated stubs unchanged; only the server side skips the per-call serialisation.
/// </summary>
internal static class HeadlineBinding
{
    public const string MethodName = "GetHeadlineIndicators";

    /// <summary>The service's descriptor, where JSON transcoding looks for the methods' HTTP routes.</summary>
    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => MetricsService.Descriptor;

    public static readonly Method<GetHeadlineIndicatorsRequest, SerializedHeadline> Method = new(
        MethodType.Unary,
        MetricsService.Descriptor.FullName,
        MethodName,
        Marshallers.Create(
            (GetHeadlineIndicatorsRequest request, SerializationContext context) => context.Complete(request.ToByteArray()),
            context => GetHeadlineIndicatorsRequest.Parser.ParseFrom(context.PayloadAsReadOnlySequence())),
        Marshallers.Create(
            (SerializedHeadline headline, SerializationContext context) => context.Complete(headline.Bytes),
            context => throw new NotSupportedException("The server only writes headline snapshots.")));

    /// <summary>
    /// Binds every generated method of the service, for gRPC except <c>GetHeadlineIndicators</c>, which
    /// <see cref="MethodProvider"/> binds with <see cref="Method"/>; JSON transcoding binds that one too (its JSON is
    /// written from the message). Named by <see cref="BindServiceMethodAttribute"/> on <see cref="MetricsGrpcService"/>;
    /// its second parameter tells grpc-dotnet which base declares the handlers.
    /// </summary>
    public static void BindService(ServiceBinderBase binder, MetricsService.MetricsServiceBase service) =>
        MetricsService.BindService(
            binder.GetType().Name.StartsWith("JsonTranscoding", StringComparison.Ordinal) ? binder : new SkippingBinder(binder, MethodName),
            service);

    /// <summary>Adds the pre-serialised <c>GetHeadlineIndicators</c> endpoint.</summary>
    internal sealed class MethodProvider : IServiceMethodProvider<MetricsGrpcService>
    {
        // As grpc-dotnet's own binder does: the service's attributes, then the handler's (authorization, CORS, rate
        // limits added later apply here too), then POST only.
        private static readonly List<object> Metadata =
        [
            .. typeof(MetricsGrpcService).GetCustomAttributes(inherit: true),
            .. typeof(MetricsGrpcService).GetMethod(nameof(MetricsGrpcService.GetHeadlineSnapshot))!.GetCustomAttributes(inherit: true),
            new HttpMethodMetadata(["POST"], acceptCorsPreflight: true),
        ];

        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<MetricsGrpcService> context) =>
            context.AddUnaryMethod(Method, Metadata, (service, request, callContext) => service.GetHeadlineSnapshot(request, callContext));
    }

    private sealed class SkippingBinder(ServiceBinderBase inner, string skipped) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            if (method.Name != skipped)
            {
                inner.AddMethod(method, handler);
            }
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(method, handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(method, handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(method, handler);
    }
}
