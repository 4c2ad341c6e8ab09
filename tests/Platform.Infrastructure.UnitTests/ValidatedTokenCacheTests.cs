using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Platform.Infrastructure.Access;

namespace Platform.Infrastructure.UnitTests;

public sealed class ValidatedTokenCacheTests
{
    private static readonly SymmetricSecurityKey Key = new(RandomNumberGenerator.GetBytes(32)) { KeyId = "k1" };
    private static readonly SymmetricSecurityKey OtherKey = new(RandomNumberGenerator.GetBytes(32)) { KeyId = "k1" };

    private static string Token(TimeSpan lifetime, SecurityKey? key = null) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "issuer",
        Audience = "platform",
        Subject = new ClaimsIdentity([new Claim("sub", "client-1"), new Claim("role", "provider")]),
        Expires = DateTime.UtcNow + lifetime,
        SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.HmacSha256),
    });

    private static TokenValidationParameters Parameters(SecurityKey key) => new()
    {
        ValidIssuer = "issuer",
        ValidAudience = "platform",
        IssuerSigningKey = key,
        ClockSkew = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public async Task ATokenSeenBeforeIsNotVerifiedAgainAndEachCallGetsItsOwnIdentity()
    {
        var cache = new ValidatedTokenCache(new FakeTimeProvider(DateTimeOffset.UtcNow));
        var token = Token(TimeSpan.FromMinutes(15));

        var first = await cache.ValidateTokenAsync(token, Parameters(Key));
        // Its signature no longer verifies with these parameters: only the remembered result can be valid.
        var second = await cache.ValidateTokenAsync(token, Parameters(OtherKey));

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Equal(first.ClaimsIdentity.Claims.Select(c => (c.Type, c.Value)), second.ClaimsIdentity.Claims.Select(c => (c.Type, c.Value)));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task AnInvalidTokenIsNeverRemembered()
    {
        var cache = new ValidatedTokenCache(new FakeTimeProvider(DateTimeOffset.UtcNow));
        var forged = Token(TimeSpan.FromMinutes(15), OtherKey);

        Assert.False((await cache.ValidateTokenAsync(forged, Parameters(Key))).IsValid);
        Assert.False((await cache.ValidateTokenAsync(forged, Parameters(Key))).IsValid);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task ARememberedTokenIsValidatedInFullOnceItHasExpired()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cache = new ValidatedTokenCache(clock);
        var token = Token(TimeSpan.FromMinutes(15));
        Assert.True((await cache.ValidateTokenAsync(token, Parameters(Key))).IsValid);

        clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(31));

        // Past expiry plus skew the cache answers nothing; the full validation (with a key it was not signed with) refuses.
        Assert.False((await cache.ValidateTokenAsync(token, Parameters(OtherKey))).IsValid);
        Assert.Equal(0, cache.Count);
    }
}
