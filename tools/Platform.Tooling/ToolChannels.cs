using System.Net;
using Grpc.Net.Client;
using Platform.TokenClient;

namespace Platform.Tooling;

/// <summary>gRPC channels for the tools: HTTP/2 on loopback, large messages, and sampled tracing (see <see cref="TraceSampling"/>).</summary>
public static class ToolChannels
{
    /// <summary>Tools that make many calls trace one in this many by default.</summary>
    public const int DefaultTraceEvery = 100;

    /// <summary>The tool's token client (see <see cref="ToolCredentials"/>); when set, authenticated channels send its token.</summary>
    public static TokenClient.TokenClient? Tokens { get; set; }

    /// <summary>
    /// A channel to <paramref name="address"/>; with <paramref name="authenticated"/> (and <see cref="Tokens"/> set) every
    /// call carries the tool's bearer token. Reads of public figures go without one, as an anonymous reader's would.
    /// </summary>
    public static GrpcChannel Open(Uri address, int traceEvery = DefaultTraceEvery, bool authenticated = true) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        HttpHandler = WithToken(authenticated ? Tokens : null, new TraceSampling(traceEvery)
        {
            InnerHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            },
        }),
        HttpVersion = HttpVersion.Version20,
        MaxReceiveMessageSize = 64 * 1024 * 1024,
        MaxSendMessageSize = 64 * 1024 * 1024,
    });

    private static HttpMessageHandler WithToken(TokenClient.TokenClient? tokens, HttpMessageHandler inner) =>
        tokens is null ? inner : new BearerTokenHandler(tokens) { InnerHandler = inner };
}
