using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Infrastructure.Access;

public static class PlatformAuthentication
{
    /// <summary>Configuration key of the token service's address (its discovery document is under it).</summary>
    public const string AuthorityKey = "Identity:Authority";

    /// <summary>
    /// JWT bearer validation of the token service's access tokens (issuer, audience <c>platform</c>, lifetime, and the
    /// signing keys from its discovery document, fetched once and cached by the handler, not per call) and one policy
    /// per right; a token validated once is remembered until it expires (<see cref="ValidatedTokenCache"/>). Methods without an <c>[Authorize]</c> or <c>[AllowAnonymous]</c> of their own need a valid token.
    /// </summary>
    public static IServiceCollection AddPlatformAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        // The system clock, as the validation's own: a test's fake clock must not keep an expired token valid.
        services.AddSingleton(new ValidatedTokenCache(TimeProvider.System));
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IConfiguration, ValidatedTokenCache>((options, configuration, tokens) =>
        {
            options.TokenHandlers.Clear();
            options.TokenHandlers.Add(tokens);
            options.Authority = configuration[AuthorityKey];
            // The token service is on loopback over plain HTTP in development; a deployment gives an https authority.
            options.RequireHttpsMetadata = false;
            options.Audience = Rights.Audience;
            options.MapInboundClaims = false;
            options.TokenValidationParameters.NameClaimType = Rights.Claims.Subject;
            options.TokenValidationParameters.RoleClaimType = Rights.Claims.Role;
            options.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(30);
        });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Rights.Authenticated, policy => policy.RequireAuthenticatedUser())
            .AddPolicy(Rights.Admin, policy => policy.RequireRole(Rights.Admin))
            .AddRightPolicy(Rights.Provider)
            .AddRightPolicy(Rights.Certifier)
            .AddRightPolicy(Rights.Exchange)
            .AddRightPolicy(Rights.Reporter);
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationMiddlewareResultHandler, GrpcAuthorizationResultHandler>());
        return services;
    }

    private static AuthorizationBuilder AddRightPolicy(this AuthorizationBuilder builder, string right) =>
        builder.AddPolicy(right, policy => policy.RequireRole(right, Rights.Admin));
}
