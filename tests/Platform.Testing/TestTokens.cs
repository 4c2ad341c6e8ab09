using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Platform.Testing;

/// <summary>
/// Access tokens for a service under test: <see cref="Trust"/> makes its JWT bearer handler accept tokens signed with
/// this process's test key (no token service, no metadata fetch), and <see cref="Mint"/> issues them with the given
/// rights and claims, shaped as the token service's are.
/// </summary>
public static class TestTokens
{
    public const string Issuer = "http://identity.test/";
    public const string Audience = "platform";

    private static readonly SymmetricSecurityKey Key = new(RandomNumberGenerator.GetBytes(32)) { KeyId = "test-key" };
    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>A token with every right: the default of the fixtures' clients.</summary>
    public static string Admin { get; } = Mint("test-admin", ["admin"], lifetime: TimeSpan.FromDays(1));

    /// <summary>For <c>ConfigureTestServices</c>: the service trusts the test key and issuer instead of a token service.</summary>
    public static void Trust(IServiceCollection services) =>
        services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
        {
            var configuration = new OpenIdConnectConfiguration { Issuer = Issuer };
            configuration.SigningKeys.Add(Key);
            options.Configuration = configuration;
            options.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
        });

    public static string Mint(
        string clientId,
        IEnumerable<string> roles,
        string? organisation = null,
        string? exchange = null,
        TimeSpan? lifetime = null,
        string audience = Audience,
        bool sign = true)
    {
        var claims = new List<Claim> { new("sub", clientId), new("client_id", clientId) };
        claims.AddRange(roles.Select(r => new Claim("role", r)));
        if (organisation is not null)
        {
            claims.Add(new Claim("organisation", organisation));
        }

        if (exchange is not null)
        {
            claims.Add(new Claim("exchange", exchange));
        }

        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(15));
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = expires < now ? expires.AddMinutes(-1) : now,
            NotBefore = expires < now ? expires.AddMinutes(-1) : now,
            Expires = expires,
            SigningCredentials = new SigningCredentials(sign ? Key : new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>An HTTP handler that sends <paramref name="token"/> as bearer token on every call (none when null).</summary>
    public static HttpMessageHandler WithToken(HttpMessageHandler inner, string? token) =>
        token is null ? inner : new BearerHandler(token) { InnerHandler = inner };

    private sealed class BearerHandler(string token) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = new("Bearer", token);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
