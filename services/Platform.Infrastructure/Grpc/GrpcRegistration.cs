using Grpc.AspNetCore.Server;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Infrastructure.Grpc;

public static class GrpcRegistration
{
    /// <summary>
    /// Registers gRPC with the interceptors every service runs, in order: exceptions mapped to exact statuses,
    /// then text PostgreSQL cannot store refused before a handler sees it; and the page-token codec
    /// (<see cref="PageTokens"/>, keyed by <c>Platform:PageTokenKey</c>). A service adds its own options through
    /// <paramref name="configure"/>.
    /// </summary>
    public static IGrpcServerBuilder AddPlatformGrpc(this IServiceCollection services, Action<GrpcServiceOptions>? configure = null)
    {
        services.AddOptions<PageTokenOptions>().BindConfiguration("Platform");
        services.TryAddSingleton<PageTokens>();
        return services.AddGrpc(options =>
        {
            options.Interceptors.Add<ExceptionMappingInterceptor>();
            options.Interceptors.Add<UnstorableTextInterceptor>();
            configure?.Invoke(options);
        });
    }
}
