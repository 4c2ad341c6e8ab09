using System.Net;
using Grpc.Net.Client;

namespace Platform.Tooling;

/// <summary>gRPC channels for the tools: HTTP/2 on loopback, large messages, and sampled tracing (see <see cref="TraceSampling"/>).</summary>
public static class ToolChannels
{
    /// <summary>Tools that make many calls trace one in this many by default.</summary>
    public const int DefaultTraceEvery = 100;

    public static GrpcChannel Open(Uri address, int traceEvery = DefaultTraceEvery) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        HttpHandler = new TraceSampling(traceEvery)
        {
            InnerHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            },
        },
        HttpVersion = HttpVersion.Version20,
        MaxReceiveMessageSize = 64 * 1024 * 1024,
        MaxSendMessageSize = 64 * 1024 * 1024,
    });
}
