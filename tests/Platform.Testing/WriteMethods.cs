using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Platform.Infrastructure.Writes;

namespace Platform.Testing;

/// <summary>The methods a running service treats as writes (rate-limited, audited): its endpoints marked <see cref="WriteMethodAttribute"/>.</summary>
public static class WriteMethods
{
    public static IReadOnlyList<string> Of(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .Where(e => e.Metadata.GetMetadata<WriteMethodAttribute>() is not null)
            .Select(e => e.Metadata.GetMetadata<GrpcMethodMetadata>()!.Method.Name)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
}
