namespace Platform.Catalog.Search;

/// <summary>
/// Entries newest first, with the set of entries containing each searched term memoised as a bitmap: popular
/// words cost one substring scan per snapshot, then a bitmap AND per query.
/// </summary>
internal sealed class IndexSnapshot(IndexEntry[] entries)
{
    private const int MaxCachedTerms = 4096;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ulong[]> _terms = new(StringComparer.Ordinal);

    public IndexEntry[] Entries { get; } = entries;

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
