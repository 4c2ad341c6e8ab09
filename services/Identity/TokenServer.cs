using System.Security.Claims;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Identity;

internal static class TokenServer
{
    public const string TokenPath = "connect/token";

    /// <summary>The audience every platform service expects on an access token.</summary>
    public const string Audience = "platform";

    /// <summary>Claim types the services authorise on, besides <c>sub</c>, <c>client_id</c> and <c>role</c>.</summary>
    public const string OrganisationClaim = "organisation";
    public const string ExchangeClaim = "exchange";

    /// <summary>
    /// OpenIddict's server in degraded mode (no application store: the clients file is the store), the client-credentials
    /// grant only, JWT access tokens signed with a key persisted under <c>Identity:DataPath</c> and not encrypted, so
    /// that every service validates them with the standard JWT bearer handler from the discovery document and JWKS.
    /// </summary>
    public static void AddTokenServer(this WebApplicationBuilder builder)
    {
        var dataPath = builder.Configuration["Identity:DataPath"] is { Length: > 0 } path
            ? path
            : Path.Combine(builder.Environment.ContentRootPath, ".data", "identity");
        var clientsFile = builder.Configuration["Identity:ClientsFile"] is { Length: > 0 } file ? file : Path.Combine(dataPath, "clients.json");
        // An operator edits this file to add a client; the next token request sees it.
        builder.Configuration.AddJsonFile(Path.GetFullPath(clientsFile), optional: true, reloadOnChange: true);
        builder.Services.Configure<ClientsOptions>(builder.Configuration);
        builder.Services.AddSingleton<ClientRegistry>();

        var lifetime = builder.Configuration.GetValue("Identity:AccessTokenLifetime", TimeSpan.FromMinutes(15));
        var issuer = builder.Configuration["Identity:Issuer"];
        var signingKey = SigningKey.LoadOrCreate(dataPath);

        builder.Services.AddOpenIddict().AddServer(options =>
        {
            options.SetTokenEndpointUris(TokenPath);
            options.AllowClientCredentialsFlow();
            options.EnableDegradedMode();
            options.DisableAccessTokenEncryption();
            options.SetAccessTokenLifetime(lifetime);
            if (issuer is { Length: > 0 })
            {
                // Fixed, so a token asked for at 127.0.0.1 and one asked for at localhost name the same issuer.
                options.SetIssuer(new Uri(issuer, UriKind.Absolute));
            }

            options.AddSigningKey(signingKey);
            // Required by OpenIddict for tokens it may encrypt; access tokens are not encrypted, nothing else is issued.
            options.AddEphemeralEncryptionKey();

            options.UseAspNetCore().DisableTransportSecurityRequirement();

            options.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(handler => handler.UseSingletonHandler<ValidateClient>());
            options.AddEventHandler<OpenIddictServerEvents.HandleTokenRequestContext>(handler => handler.UseSingletonHandler<IssueToken>());
        });
    }

    /// <summary>Refuses every grant but client credentials, and unknown clients or wrong secrets.</summary>
    private sealed class ValidateClient(ClientRegistry registry) : IOpenIddictServerHandler<OpenIddictServerEvents.ValidateTokenRequestContext>
    {
        public ValueTask HandleAsync(OpenIddictServerEvents.ValidateTokenRequestContext context)
        {
            if (!context.Request.IsClientCredentialsGrantType())
            {
                context.Reject(Errors.UnsupportedGrantType, "Only the client_credentials grant is supported.");
            }
            else if (registry.Authenticate(context.ClientId, context.Request.ClientSecret) is null)
            {
                context.Reject(Errors.InvalidClient, "The client id or secret is not known.");
            }

            return default;
        }
    }

    /// <summary>The access token of a client: its id as subject, its roles, its organisation or exchange, audience platform.</summary>
    private sealed class IssueToken(ClientRegistry registry) : IOpenIddictServerHandler<OpenIddictServerEvents.HandleTokenRequestContext>
    {
        public ValueTask HandleAsync(OpenIddictServerEvents.HandleTokenRequestContext context)
        {
            var clientId = context.Request.ClientId!;
            if (registry.Authenticate(clientId, context.Request.ClientSecret) is not { } client)
            {
                context.Reject(Errors.InvalidClient, "The client id or secret is not known.");
                return default;
            }

            var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Subject, Claims.Role);
            identity.SetClaim(Claims.Subject, clientId);
            identity.SetClaim(Claims.ClientId, clientId);
            identity.SetClaims(Claims.Role, [.. client.Roles]);
            if (client.Organisation is { Length: > 0 } organisation)
            {
                identity.SetClaim(OrganisationClaim, organisation);
            }

            if (client.Exchange is { Length: > 0 } exchange)
            {
                identity.SetClaim(ExchangeClaim, exchange);
            }

            var principal = new ClaimsPrincipal(identity);
            principal.SetAudiences(Audience);
            principal.SetDestinations(static _ => [Destinations.AccessToken]);
            context.SignIn(principal);
            return default;
        }
    }
}
