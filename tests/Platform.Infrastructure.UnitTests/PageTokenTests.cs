using System.Buffers.Text;
using CsCheck;
using Google.Rpc;
using Grpc.Core;
using Platform.Infrastructure.Grpc;

namespace Platform.Infrastructure.UnitTests;

public sealed class PageTokenTests
{
    private static readonly PageTokens Codec = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly PageQuery Query = PageQuery.Of("ListTrades", "BJ", null, 2);
    private static readonly PageKey Key = new(new DateTime(2025, 6, 30, 12, 0, 0, DateTimeKind.Utc), Guid.CreateVersion7());

    private static readonly Gen<PageKey> Keys =
        Gen.Select(Gen.Long[0, DateTime.MaxValue.Ticks], Gen.Guid, (ticks, id) => new PageKey(ticks, id));

    [Fact]
    public void TokenRoundTripsTheSortKey() =>
        Keys.Sample(key => Assert.Equal(key, Codec.Decode(Codec.Encode(Query, key), Query)), iter: 2_000);

    [Fact]
    public void EmptyTokenIsTheFirstPage() => Assert.Null(Codec.Decode("", Query));

    [Fact]
    public void SameQueryAndKeyGiveTheSameToken() =>
        Assert.Equal(Codec.Encode(Query, Key), Codec.Encode(PageQuery.Of("ListTrades", "BJ", null, 2), Key));

    [Theory]
    [InlineData("ListListings", "BJ", null, 2)] // another method
    [InlineData("ListTrades", "SH", null, 2)] // another filter value
    [InlineData("ListTrades", "BJ", "", 2)] // null and empty differ
    [InlineData("ListTrades", "BJ", null, 3)]
    public void TokenOfAnotherQueryIsInvalid(string method, string exchange, string? type, int status) =>
        AssertInvalid(Codec.Encode(Query, Key), PageQuery.Of(method, exchange, type, status));

    [Fact]
    public void FiltersDoNotRunTogether() =>
        AssertInvalid(Codec.Encode(PageQuery.Of("m", "ab", "c"), Key), PageQuery.Of("m", "a", "bc"));

    [Fact]
    public void TokenSignedWithAnotherKeyIsInvalid()
    {
        var other = new PageTokens(new byte[32]);

        AssertInvalid(other.Encode(Query, Key), Query);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("%%%")]
    [InlineData("AQ")]
    [InlineData("not a token")]
    [InlineData("AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // right length and format, no MAC
    public void MalformedTokenIsInvalid(string token) => AssertInvalid(token, Query);

    [Fact]
    public void KeyShorterThan32BytesIsRefused() => Assert.Throws<ArgumentException>(() => new PageTokens(new byte[31]));

    [Fact]
    public void ConfiguredKeyIsShared()
    {
        var key = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        var replica = new PageTokens(Microsoft.Extensions.Options.Options.Create(new PageTokenOptions { PageTokenKey = key }));

        Assert.Equal(Key, replica.Decode(Codec.Encode(Query, Key), Query));
    }

    [Fact]
    public void UnconfiguredReplicasDrawTheirOwnKeys()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new PageTokenOptions());

        AssertInvalid(new PageTokens(options).Encode(Query, Key), Query, new PageTokens(options));
    }

    [Theory]
    [InlineData("short")]
    [InlineData("not base64 at all!")]
    public void InvalidConfiguredKeyIsRefused(string key) =>
        Assert.Throws<InvalidOperationException>(() =>
            new PageTokens(Microsoft.Extensions.Options.Options.Create(new PageTokenOptions { PageTokenKey = key })));

    [Fact]
    public void EveryEditedCharacterIsDetected()
    {
        var token = Codec.Encode(Query, Key);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (var i = 0; i < token.Length; i++)
        {
            foreach (var c in alphabet.Where(c => c != token[i]))
            {
                AssertInvalid(string.Concat(token.AsSpan(0, i), c.ToString(), token.AsSpan(i + 1)), Query);
            }
        }
    }

    [Fact]
    public void MutatedTokensAreInvalidNeverAnotherError()
    {
        var mutations = Gen.Select(Keys, Gen.Int[0, 3], Gen.Int[0, 100], Gen.Char, (key, kind, position, c) => (key, kind, position, c));
        mutations.Sample(m =>
        {
            var token = Codec.Encode(Query, m.key);
            var at = m.position % (token.Length + 1);
            var mutated = m.kind switch
            {
                0 => token.Insert(at, m.c.ToString()),
                1 => at < token.Length ? token.Remove(at, 1) : token[..^1],
                2 => at < token.Length && token[at] != m.c ? string.Concat(token.AsSpan(0, at), m.c.ToString(), token.AsSpan(at + 1)) : token + m.c,
                _ => token[..(1 + at % (token.Length - 1))],
            };
            AssertInvalid(mutated, Query);
        }, iter: 10_000);
    }

    [Fact]
    public void RandomTextIsInvalidNeverAnotherError() =>
        Gen.String[1, 100].Sample(token => AssertInvalid(token, Query), iter: 10_000);

    [Fact]
    public void RandomBytesAreInvalidNeverAnotherError() =>
        Gen.Byte.Array[1, 60].Sample(bytes => AssertInvalid(Base64Url.EncodeToString(bytes), Query), iter: 10_000);

    [Theory]
    [InlineData(0, 50)]
    [InlineData(1, 1)]
    [InlineData(1000, 1000)]
    public void PageSizeZeroIsTheDefaultAndTheMaximumIsAllowed(int requested, int effective)
    {
        var violations = new FieldViolations();

        Assert.Equal(effective, PageSize.Of(requested, violations));
        Assert.False(violations.Any);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1001)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void PageSizeOutOfRangeIsInvalid(int requested)
    {
        var violations = new FieldViolations();
        PageSize.Of(requested, violations);

        var error = Assert.Throws<RpcException>(violations.ThrowIfAny);
        Assert.Equal("page_size", Assert.Single(Violations(error)).Field);
    }

    private static void AssertInvalid(string token, PageQuery query, PageTokens? codec = null)
    {
        var error = Assert.Throws<RpcException>(() => (codec ?? Codec).Decode(token, query));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("page_token", Assert.Single(Violations(error)).Field);
    }

    private static IEnumerable<BadRequest.Types.FieldViolation> Violations(RpcException error) =>
        error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations;
}
