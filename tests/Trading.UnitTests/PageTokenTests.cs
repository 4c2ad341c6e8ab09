using Platform.Trading.Domain;

namespace Platform.Trading.UnitTests;

public sealed class PageTokenTests
{
    private static readonly string Fingerprint = PageToken.FingerprintOf("trades", "BJ", null);

    [Fact]
    public void TokenRoundTrips()
    {
        var token = new PageToken(new DateTimeOffset(2025, 6, 30, 12, 0, 0, TimeSpan.Zero), Guid.NewGuid(), Fingerprint);

        Assert.Equal(token, PageToken.TryDecode(token.Encode(), Fingerprint));
    }

    [Theory]
    [InlineData("not a token")]
    [InlineData("!!!!")]
    [InlineData("MXwxMjN8eHl6fGFiYw")] // "1|123|xyz|abc": well-formed base64, not a token
    [InlineData("")]
    public void MalformedTokensAreRejected(string token) =>
        Assert.Null(PageToken.TryDecode(token, Fingerprint));

    [Fact]
    public void TokenOfAnotherQueryIsRejected()
    {
        var token = new PageToken(DateTimeOffset.UnixEpoch, Guid.NewGuid(), Fingerprint).Encode();

        Assert.Null(PageToken.TryDecode(token, PageToken.FingerprintOf("trades", "SH", null)));
    }

    [Fact]
    public void FingerprintIsStableAndDependsOnEveryFilter()
    {
        Assert.Equal(PageToken.FingerprintOf("a", 1, null), PageToken.FingerprintOf("a", 1, null));
        Assert.NotEqual(PageToken.FingerprintOf("a", 1, null), PageToken.FingerprintOf("a", 1, "x"));
    }

    [Theory]
    [InlineData(0, 50)]
    [InlineData(10, 10)]
    [InlineData(5000, 500)]
    public void PageSizeDefaultsAndCaps(int requested, int expected) =>
        Assert.Equal(expected, Paging.Size(requested));
}
