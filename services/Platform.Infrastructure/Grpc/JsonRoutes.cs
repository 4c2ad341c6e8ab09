using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Http;

namespace Platform.Infrastructure.Grpc;

/// <summary>The JSON routes of the services' methods (gRPC JSON transcoding, see <see cref="GrpcRegistration"/>).</summary>
internal static class JsonRoutes
{
    /// <summary>Whether the request was routed to a method's JSON route rather than to the method over gRPC.</summary>
    public static bool IsJsonRoute(this HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is not null;
}
