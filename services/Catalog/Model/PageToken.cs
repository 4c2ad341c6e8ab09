using System.Buffers.Text;
using System.Security.Cryptography;
using Google.Protobuf;

namespace Platform.Catalog.Model;

/// <summary>
/// Opaque keyset page token: base64url of a format byte, the last returned id (the sort key: ids are time-ordered
/// UUIDv7, listed newest first) and a fingerprint of the query, so a token cannot be replayed with other filters.
/// </summary>
internal static class PageToken
{
    private const byte Format = 1;
    private const int Length = 1 + 16 + 8;

    public static string Encode(Guid lastId, ReadOnlySpan<byte> fingerprint)
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = Format;
        lastId.TryWriteBytes(bytes[1..17], bigEndian: true, out _);
        fingerprint[..8].CopyTo(bytes[17..]);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>The id to continue after, or false when the token is malformed or belongs to another query.</summary>
    public static bool TryDecode(string token, ReadOnlySpan<byte> fingerprint, out Guid lastId)
    {
        lastId = Guid.Empty;
        Span<byte> bytes = stackalloc byte[48];
        if (token.Length > 64
            || Base64Url.DecodeFromChars(token, bytes, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != Length
            || bytes[0] != Format)
        {
            return false;
        }

        if (!bytes[17..Length].SequenceEqual(fingerprint[..8]))
        {
            return false;
        }

        lastId = new Guid(bytes[1..17], bigEndian: true);
        return true;
    }

    /// <summary>A hash of what selects the rows (filter, query) — not of the page size, which may change between pages.</summary>
    public static byte[] Fingerprint(string query, IMessage? filter)
    {
        var filterBytes = filter?.ToByteArray() ?? [];
        var queryBytes = System.Text.Encoding.UTF8.GetBytes(query);
        var buffer = new byte[queryBytes.Length + 1 + filterBytes.Length];
        queryBytes.CopyTo(buffer, 0);
        filterBytes.CopyTo(buffer, queryBytes.Length + 1);
        return SHA256.HashData(buffer);
    }
}
