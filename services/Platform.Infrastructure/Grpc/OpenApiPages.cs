using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi.Models;

namespace Platform.Infrastructure.Grpc;

/// <summary>
/// The service's OpenAPI document of its JSON routes (<c>/swagger/v1/swagger.json</c>, from the protos' routes and
/// comments) and a browsable page (<c>/swagger</c>), both public like the protos they are made from.
/// </summary>
public static class OpenApiPages
{
    public static IServiceCollection AddOpenApiPages(this IServiceCollection services, string title)
    {
        services.AddGrpcSwagger();
        services.AddSwaggerGen(options => options.SwaggerDoc("v1", new OpenApiInfo
        {
            Title = title,
            Version = "v1",
            Description = "JSON over HTTP of the service's gRPC methods (gRPC JSON transcoding). Writes need a bearer token from the token service.",
        }));
        return services;
    }

    /// <summary>
    /// Serves the document and the page ahead of authentication and authorisation (called here explicitly, so they
    /// run after these pages): every other request still needs what its method needs.
    /// </summary>
    public static WebApplication UseOpenApiPages(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
