using Grpc.AspNetCore.Server;
using Platform.Infrastructure.Access;

namespace Platform.Infrastructure.Grpc;

public static class GrpcRegistration
{
    /// <summary>
    /// Registers gRPC with the interceptors every service runs, in order: exceptions mapped to exact statuses,
    /// then text PostgreSQL cannot store refused before a handler sees it. A service adds its own options through
    /// <paramref name="configure"/>. Authentication (JWT bearer) and the per-right policies come with it, so every
    /// method is authorised before it runs (see <see cref="PlatformAuthentication"/>).
    /// </summary>
    public static IGrpcServerBuilder AddPlatformGrpc(this IServiceCollection services, Action<GrpcServiceOptions>? configure = null) =>
        services.AddPlatformAuthentication().AddGrpc(options =>
        {
            options.Interceptors.Add<ExceptionMappingInterceptor>();
            options.Interceptors.Add<UnstorableTextInterceptor>();
            configure?.Invoke(options);
        });
}
