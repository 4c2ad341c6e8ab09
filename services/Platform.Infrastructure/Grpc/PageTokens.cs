using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Microsoft.Extensions.Options;

namespace Platform.Infrastructure.Grpc;

/// <summary>The sort key of the last item of a page: a time in ticks (0 for a list ordered by id alone) and the id.</summary>
public readonly record struct PageKey(long Ticks, Guid Id)
{
    public PageKey(Guid id) : this(0, id)
    {
    }

    public PageKey(DateTime utc, Guid id) : this(utc.Ticks, id)
    {
    }

    public DateTime Utc => new(Ticks, DateTimeKind.Utc);
}

/// <summary>What selects a list's rows: the method and its filters (not the page size, which may change between pages).</summary>
public sealed class PageQuery
{
    private PageQuery(byte[] digest) => Digest = digest;

    internal byte[] Digest { get; }

    /// <summary>
    /// A digest of <paramref name="method"/> and each filter value, length-prefixed so no two different queries
    /// digest alike; a message filter counts by its serialized bytes, anything else by its invariant text.
    /// </summary>
    public static PageQuery Of(string method, params ReadOnlySpan<object?> filters)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, Encoding.UTF8.GetBytes(method));
        foreach (var filter in filters)
        {
            switch (filter)
            {
                case null:
                    hash.AppendData([0xff, 0xff, 0xff, 0xff]);
                    break;
                case IMessage message:
                    Append(hash, message.ToByteArray());
                    break;
                default:
                    Append(hash, Encoding.UTF8.GetBytes(Convert.ToString(filter, CultureInfo.InvariantCulture) ?? ""));
                    break;
            }
        }

        return new PageQuery(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, byte[] bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}

public sealed class PageTokenOptions
{
    /// <summary>Configuration key of the MAC key (base64, at least 32 bytes). Every replica of a service needs the same one.</summary>
    public const string ConfigurationKey = "Platform:PageTokenKey";

    public string? PageTokenKey { get; set; }
}

/// <summary>
/// The one page-token codec: base64url of a format byte, the sort key of the last item returned (ticks, id) and an
/// HMAC-SHA256 (truncated to 16 bytes) over those and the digest of the query. An edited token, one from another
/// method or other filters, or one signed with another key fails the MAC and is INVALID_ARGUMENT <c>page_token</c>.
/// Without a configured key each process draws a random one: tokens then work only against the process that issued
/// them (and not after a restart), which is why the app host passes one key to every service.
/// </summary>
public sealed class PageTokens
{
    public const string Field = "page_token";
    public const int MaxTokenLength = 64;
    private const byte Format = 2;
    private const int MacLength = 16;
    private const int KeyLength = 1 + 8 + 16;
    private const int TokenLength = KeyLength + MacLength;
    private const int MinSecretLength = 32;

    private readonly byte[] _secret;

    public PageTokens(IOptions<PageTokenOptions> options)
        : this(SecretFrom(options.Value.PageTokenKey))
    {
    }

    public PageTokens(byte[] secret)
    {
        if (secret.Length < MinSecretLength)
        {
            throw new ArgumentException($"A page-token key needs at least {MinSecretLength} bytes.", nameof(secret));
        }

        _secret = secret;
    }

    public string Encode(PageQuery query, PageKey last)
    {
        Span<byte> token = stackalloc byte[TokenLength];
        token[0] = Format;
        BinaryPrimitives.WriteInt64BigEndian(token[1..9], last.Ticks);
        last.Id.TryWriteBytes(token[9..KeyLength], bigEndian: true, out _);
        Mac(token[..KeyLength], query, token[KeyLength..]);
        return Base64Url.EncodeToString(token);
    }

    /// <summary>
    /// Where to continue: null for an empty token (the first page), or null with a violation on <c>page_token</c>
    /// when the token is not one this service issued for <paramref name="query"/>.
    /// </summary>
    public PageKey? Decode(string token, PageQuery query, FieldViolations violations)
    {
        if (token.Length == 0)
        {
            return null;
        }

        if (TryDecode(token, query) is { } key)
        {
            return key;
        }

        violations.Add(Field, "is not a token returned by a previous page of this query");
        return null;
    }

    /// <summary><see cref="Decode(string, PageQuery, FieldViolations)"/> that throws its INVALID_ARGUMENT at once.</summary>
    public PageKey? Decode(string token, PageQuery query)
    {
        var violations = new FieldViolations();
        var key = Decode(token, query, violations);
        violations.ThrowIfAny();
        return key;
    }

    private PageKey? TryDecode(string token, PageQuery query)
    {
        Span<byte> bytes = stackalloc byte[MaxTokenLength];
        if (token.Length > MaxTokenLength
            || Base64Url.DecodeFromChars(token, bytes, out _, out var written) != OperationStatus.Done
            || written != TokenLength
            || bytes[0] != Format
            || !IsCanonical(token, bytes[..TokenLength]))
        {
            return null;
        }

        Span<byte> expected = stackalloc byte[MacLength];
        Mac(bytes[..KeyLength], query, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes[KeyLength..TokenLength]))
        {
            return null;
        }

        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes[1..9]);
        return ticks is < 0 || ticks > DateTime.MaxValue.Ticks ? null : new PageKey(ticks, new Guid(bytes[9..KeyLength], bigEndian: true));
    }

    /// <summary>Base64 decoders skip white space and ignore the unused low bits of the last character: a token must be exactly what was issued.</summary>
    private static bool IsCanonical(string token, ReadOnlySpan<byte> bytes)
    {
        Span<char> encoded = stackalloc char[MaxTokenLength];
        return Base64Url.TryEncodeToChars(bytes, encoded, out var length) && encoded[..length].SequenceEqual(token);
    }

    private void Mac(ReadOnlySpan<byte> key, PageQuery query, Span<byte> destination)
    {
        Span<byte> input = stackalloc byte[KeyLength + 32];
        key.CopyTo(input);
        query.Digest.CopyTo(input[KeyLength..]);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_secret, input, mac);
        mac[..MacLength].CopyTo(destination);
    }

    private static byte[] SecretFrom(string? configured)
    {
        if (string.IsNullOrEmpty(configured))
        {
            return RandomNumberGenerator.GetBytes(MinSecretLength);
        }

        try
        {
            return Convert.FromBase64String(configured) is { Length: >= MinSecretLength } secret
                ? secret
                : throw new InvalidOperationException($"{PageTokenOptions.ConfigurationKey} must be at least {MinSecretLength} bytes (base64).");
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{PageTokenOptions.ConfigurationKey} must be base64.");
        }
    }
}

/// <summary>
/// The one page-size rule of every List and Search method: 0 means <see cref="Default"/>, 1 to <see cref="Max"/> is
/// taken as asked, anything else (negative, above the maximum) is INVALID_ARGUMENT <c>page_size</c>.
/// </summary>
public static class PageSize
{
    public const int Default = 50;
    public const int Max = 1000;
    public const string Field = "page_size";

    public static int Of(int requested, FieldViolations violations)
    {
        violations.Require(requested is >= 0 and <= Max, Field, $"must be between 0 and {Max} (0 means {Default})");
        return requested is > 0 and <= Max ? requested : Default;
    }
}
