namespace Platform.Infrastructure.Postgres;

/// <summary>Time-ordered (version 7) ids for the rows a batch writes.</summary>
public static class UuidV7
{
    /// <summary>
    /// <paramref name="count"/> ids of one timestamp, ascending (Guid order is PostgreSQL's uuid order), so rows written
    /// together keep their item order when a list is ordered by id.
    /// </summary>
    public static Guid[] Ascending(int count, DateTimeOffset? timestamp = null)
    {
        var at = timestamp ?? DateTimeOffset.UtcNow;
        var ids = new Guid[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = Guid.CreateVersion7(at);
        }

        Array.Sort(ids);
        return ids;
    }

    /// <summary>The time a version 7 id was made at (its first 48 bits, Unix milliseconds); null for any other id.</summary>
    public static DateTimeOffset? TimestampOf(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        if (bytes[6] >> 4 != 7)
        {
            return null;
        }

        long milliseconds = 0;
        for (var i = 0; i < 6; i++)
        {
            milliseconds = (milliseconds << 8) | bytes[i];
        }

        return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
    }
}
