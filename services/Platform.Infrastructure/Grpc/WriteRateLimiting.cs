using System.Threading.RateLimiting;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;
using Platform.Infrastructure.Access;

using Platform.Infrastructure.Writes;

namespace Platform.Infrastructure.Grpc;

/// <summary>Per-client limits on write calls (<c>Platform:RateLimits</c>).</summary>
public sealed class WriteRateLimitOptions
{
    public const string SectionName = "Platform:RateLimits";

    /// <summary>Off turns the limiter off (every call passes).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Write calls a client may make per <see cref="Period"/> on average. A batch call counts once. The default (20,000
    /// a second) sits well above what the scenario loader (about 15 batch calls/s) and the load test (about 6,000 single
    /// PlaceTrades/s at 32 in flight on 2 cores) make, so the tools are never throttled by it; an operator lowers it.
    /// </summary>
    public int WritesPerPeriod { get; set; } = 20_000;

    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Calls a client may make at once above the average (the bucket's size).</summary>
    public int Burst { get; set; } = 20_000;
}

/// <summary>
/// Token buckets of write calls, one per caller: the token's subject (<see cref="Caller.Id"/>) when the caller is
/// authenticated, else its remote address.
/// </summary>
public sealed class WriteRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public WriteRateLimiter(IOptions<WriteRateLimitOptions> options)
    {
        var limits = options.Value;
        Enabled = limits.Enabled;
        _limiter = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetTokenBucketLimiter(client, _ =>
            new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(1, limits.Burst),
                TokensPerPeriod = Math.Max(1, limits.WritesPerPeriod),
                ReplenishmentPeriod = limits.Period > TimeSpan.Zero ? limits.Period : TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    public bool Enabled { get; }

    /// <summary>Takes one call's permit for <paramref name="client"/>; null when it may go on, else the time to wait.</summary>
    public TimeSpan? TryAcquire(string client)
    {
        using var lease = _limiter.AttemptAcquire(client);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
    }

    public void Dispose() => _limiter.Dispose();
}

/// <summary>
/// Answers a write over its caller's limit with RESOURCE_EXHAUSTED and a <c>google.rpc.RetryInfo</c> saying when to
/// try again. It is an interceptor rather than ASP.NET Core's rate-limiting middleware because that middleware answers
/// HTTP 429, which gRPC clients read as UNAVAILABLE and retry at once.
/// </summary>
public sealed class WriteRateLimitInterceptor(WriteRateLimiter limiter) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(requestStream, context);
    }

    private void Admit(ServerCallContext context)
    {
        if (!limiter.Enabled || !WriteMethodAttribute.IsWrite(context.GetHttpContext()))
        {
            return;
        }

        var client = Client(context);
        if (limiter.TryAcquire(client) is { } retryAfter)
        {
            throw new Google.Rpc.Status
            {
                Code = (int)Code.ResourceExhausted,
                Message = $"Write rate limit reached for client '{client}'; retry after {retryAfter.TotalSeconds:0.###} s.",
                Details = { Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(retryAfter) }) },
            }.ToRpcException();
        }
    }

    private static string Client(ServerCallContext context)
    {
        var caller = Caller.Of(context);
        return caller.IsAuthenticated
            ? caller.Id
            : context.GetHttpContext().Connection.RemoteIpAddress?.ToString() ?? "anonymous";
    }
}
