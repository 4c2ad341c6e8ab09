using Grpc.AspNetCore.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Infrastructure.Access;

namespace Platform.Infrastructure.Grpc;

/// <summary>Limits on what one call may carry (<c>Platform:Grpc</c>).</summary>
public sealed class GrpcLimitOptions
{
    public const string SectionName = "Platform:Grpc";

    /// <summary>
    /// The largest request message a service accepts; a larger one is RESOURCE_EXHAUSTED before any handler runs.
    /// 4 MB holds the largest legitimate request (a batch of 500 datasets is about 0.5 MB).
    /// </summary>
    public int MaxReceiveMessageBytes { get; set; } = 4 * 1024 * 1024;
}

public static class GrpcRegistration
{
    /// <summary>
    /// Registers gRPC with what every service runs: the message-size limit; authentication (JWT bearer) and the
    /// per-right policies, so every method is authorised before it runs (see <see cref="PlatformAuthentication"/>);
    /// the interceptors in order — per-client write limits, refused writes recorded in the audit trail, exceptions mapped to exact statuses, text PostgreSQL
    /// cannot store refused before a handler sees it, malformed messages of a client stream refused (a single request's
    /// body is checked by <see cref="MalformedRequestMiddleware"/>, which <c>Program.cs</c> adds); and the page-token codec (<see cref="PageTokens"/>, keyed by
    /// <c>Platform:PageTokenKey</c>); and JSON over HTTP for every method with a <c>google.api.http</c> route in its proto
    /// (gRPC JSON transcoding: the same handlers, interceptors and statuses). A service adds its own options through <paramref name="configure"/>.
    /// </summary>
    public static IGrpcServerBuilder AddPlatformGrpc(this IServiceCollection services, IConfiguration configuration, Action<GrpcServiceOptions>? configure = null)
    {
        var limits = configuration.GetSection(GrpcLimitOptions.SectionName).Get<GrpcLimitOptions>() ?? new GrpcLimitOptions();
        services.AddOptions<WriteRateLimitOptions>().BindConfiguration(WriteRateLimitOptions.SectionName);
        services.AddSingleton<WriteRateLimiter>();
        services.AddSingleton<WriteRateLimitInterceptor>();
        services.AddOptions<PageTokenOptions>().BindConfiguration("Platform");
        services.TryAddSingleton<PageTokens>();
        return services.AddPlatformAuthentication().AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = limits.MaxReceiveMessageBytes;
            options.Interceptors.Add<WriteRateLimitInterceptor>();
            options.Interceptors.Add<Writes.RefusedWriteInterceptor>();
            options.Interceptors.Add<ExceptionMappingInterceptor>();
            options.Interceptors.Add<UnstorableTextInterceptor>();
            options.Interceptors.Add<MalformedStreamInterceptor>();
            configure?.Invoke(options);
        }).AddJsonTranscoding(json =>
        {
            // int64 as JSON strings, as the proto3 JSON mapping writes them: volumes (up to 10^18 bytes) and amounts in fen
            // exceed the 2^53 a JavaScript number holds exactly.
            json.JsonSettings.WriteInt64sAsStrings = true;

            // The error details a status may carry (field violations, the resource not found, …), written into the JSON
            // google.rpc.Status body as "@type"-tagged objects.
            json.TypeRegistry = Google.Protobuf.Reflection.TypeRegistry.FromMessages(
                Google.Rpc.BadRequest.Descriptor, Google.Rpc.ResourceInfo.Descriptor, Google.Rpc.ErrorInfo.Descriptor,
                Google.Rpc.PreconditionFailure.Descriptor, Google.Rpc.QuotaFailure.Descriptor, Google.Rpc.RetryInfo.Descriptor,
                Google.Rpc.Help.Descriptor, Google.Rpc.LocalizedMessage.Descriptor);
        });
    }
}
