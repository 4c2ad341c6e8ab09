using Platform.Catalog.Model;
using Platform.Catalog.V1;

namespace Platform.Catalog.UnitTests;

public sealed class PageTokenTests
{
    private static readonly byte[] Fingerprint = PageToken.Fingerprint("医学影像", new DatasetFilter { Domains = { V1.Domain.Healthcare } });

    [Fact]
    public void TokenRoundTripsTheLastId()
    {
        var id = Guid.CreateVersion7();

        var token = PageToken.Encode(id, Fingerprint);

        Assert.True(PageToken.TryDecode(token, Fingerprint, out var decoded));
        Assert.Equal(id, decoded);
    }

    [Fact]
    public void TokenOfAnotherQueryIsRejected()
    {
        var token = PageToken.Encode(Guid.CreateVersion7(), Fingerprint);
        var other = PageToken.Fingerprint("医学影像", new DatasetFilter { Domains = { V1.Domain.Finance } });

        Assert.False(PageToken.TryDecode(token, other, out _));
    }

    [Fact]
    public void SameQueryGivesTheSameToken()
    {
        var id = Guid.CreateVersion7();
        var again = PageToken.Fingerprint("医学影像", new DatasetFilter { Domains = { V1.Domain.Healthcare } });

        Assert.Equal(PageToken.Encode(id, Fingerprint), PageToken.Encode(id, again));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("%%%")]
    [InlineData("AQ")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void MalformedTokensAreRejected(string token) =>
        Assert.False(PageToken.TryDecode(token, Fingerprint, out _));
}
