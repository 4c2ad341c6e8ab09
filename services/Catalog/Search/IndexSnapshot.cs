namespace Platform.Catalog.Search;

/// <summary>
/// Entries newest first, with the set of entries containing each searched term memoised as a bitmap: popular
/// words cost one substring scan per snapshot, then a bitmap AND per query. The fields' bitmaps
/// (<see cref="FieldBitmaps"/>) are built by the first search that needs them.
/// </summary>
internal sealed class IndexSnapshot(IndexEntry[] entries)
{
    private const int MaxCachedTerms = 4096;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ulong[]> _terms = new(StringComparer.Ordinal);
    private readonly Lazy<FieldBitmaps> _bitmaps = new(() => new FieldBitmaps(entries));

    public IndexEntry[] Entries { get; } = entries;

    public FieldBitmaps Bitmaps => _bitmaps.Value;

    /// <summary>The position of the first entry after <paramref name="key"/> in the entries' order (key descending).</summary>
    public int After(UInt128 key)
    {
        var (low, high) = (0, Entries.Length);
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            (low, high) = Entries[middle].Key < key ? (low, middle) : (middle + 1, high);
        }

        return low;
    }

    /// <summary>Candidates containing every term (all entries when there is none).</summary>
    public ulong[] Candidates(IReadOnlyList<string> terms)
    {
        var words = (ulong[]?)null;
        foreach (var term in terms)
        {
            var bits = _terms.TryGetValue(term, out var cached) ? cached : Scan(term);
            if (words is null)
            {
                words = (ulong[])bits.Clone();
            }
            else
            {
                for (var i = 0; i < words.Length; i++)
                {
                    words[i] &= bits[i];
                }
            }
        }

        if (words is null)
        {
            words = new ulong[(Entries.Length + 63) / 64];
            Array.Fill(words, ulong.MaxValue);
            if (Entries.Length % 64 != 0)
            {
                words[^1] = (1UL << (Entries.Length % 64)) - 1;
            }
        }

        return words;
    }

    private ulong[] Scan(string term)
    {
        var bits = new ulong[(Entries.Length + 63) / 64];
        for (var i = 0; i < Entries.Length; i++)
        {
            if (Entries[i].SearchText.Contains(term, StringComparison.Ordinal))
            {
                bits[i >> 6] |= 1UL << (i & 63);
            }
        }

        if (_terms.Count < MaxCachedTerms)
        {
            _terms.TryAdd(term, bits);
        }

        return bits;
    }
}
