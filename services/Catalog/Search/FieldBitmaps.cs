using System.Numerics;
using Platform.Catalog.Data;
using Platform.Catalog.V1;

namespace Platform.Catalog.Search;

/// <summary>
/// For every value of every field that search filters or counts (status, domain, modality, annotation method, quality
/// grade, licence, access level, province, base), the snapshot's entries holding it, as a bitmap in entry order. A
/// filter is then an OR of its values' bitmaps ANDed into the candidates, and a facet count the population count of
/// the candidates ANDed with a value's bitmap: a pass over words (64 entries each) per value instead of a pass over
/// the matching entries per search, so a search's cost grows with the catalog by N/64, not N. The volume and Chinese
/// share bounds are checked on columns of their own (read in order, not entry by entry through the heap).
/// </summary>
internal sealed class FieldBitmaps
{
    private const int EnumValues = 64;

    private readonly int _words;
    private readonly ulong[]?[] _status = new ulong[EnumValues][], _domain = new ulong[EnumValues][], _modality = new ulong[EnumValues][];
    private readonly ulong[]?[] _method = new ulong[EnumValues][], _grade = new ulong[EnumValues][], _licence = new ulong[EnumValues][];
    private readonly ulong[]?[] _access = new ulong[EnumValues][];
    private readonly ulong[]?[] _province = new ulong[IndexEntry.Slots.Provinces.Length][], _base = new ulong[IndexEntry.Slots.Bases.Length][];
    private readonly long[] _volumes;
    private readonly int[] _zhShares;

    public FieldBitmaps(IndexEntry[] entries)
    {
        _words = (entries.Length + 63) / 64;
        _volumes = new long[entries.Length];
        _zhShares = new int[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            var e = entries[i];
            (_volumes[i], _zhShares[i]) = (e.VolumeBytes, e.ZhShareBp);
            var (word, bit) = (i >> 6, 1UL << (i & 63));
            Set(_status, e.Status & 63);
            Set(_domain, e.Domain & 63);
            Set(_modality, e.Modality & 63);
            Set(_method, e.AnnotationMethod & 63);
            Set(_grade, e.QualityGrade & 63);
            Set(_licence, e.Licence & 63);
            Set(_access, e.AccessLevel & 63);
            Set(_province, e.ProvinceSlot);
            Set(_base, e.BaseSlot);

            void Set(ulong[]?[] field, int value) => (field[value] ??= new ulong[_words])[word] |= bit;
        }
    }

    /// <summary>Keeps in <paramref name="words"/> only the entries whose fields the filter's value sets allow.</summary>
    public void Filter(ulong[] words, DatasetFilter f)
    {
        Keep(words, _status, f.Statuses.Select(v => (int)v & 63));
        Keep(words, _domain, f.Domains.Select(v => (int)v & 63));
        Keep(words, _modality, f.Modalities.Select(v => (int)v & 63));
        Keep(words, _method, f.AnnotationMethods.Select(v => (int)v & 63));
        Keep(words, _grade, f.QualityGrades.Select(v => (int)v & 63));
        Keep(words, _licence, f.Licences.Select(v => (int)v & 63));
        Keep(words, _access, f.AccessLevels.Select(v => (int)v & 63));
        // A province or base the catalog does not know holds no entry (slot −1); "none" is the entries without a base.
        Keep(words, _province, f.Provinces.Select(p => p.Length == 0 ? 0 : IndexEntry.Slots.Province(p) is var slot && slot > 0 ? slot : -1));
        Keep(words, _base, f.AnnotationBaseCodes.Select(c => c == "none" ? 0 : IndexEntry.Slots.Base(c) is var slot && slot > 0 ? slot : -1));
        KeepInRanges(words, f);
    }

    /// <summary>The facet counts of the entries in <paramref name="words"/> (whose non-zero words are <paramref name="nonZero"/>).</summary>
    public IReadOnlyList<FacetRow> Facets(ulong[] words, int[] nonZero)
    {
        var rows = new List<FacetRow>();
        Count("domain", _domain, slot => Number(slot));
        Count("modality", _modality, slot => Number(slot));
        Count("annotation_base", _base, slot => IndexEntry.Slots.Bases[slot]);
        Count("licence", _licence, slot => Number(slot));
        Count("province", _province, slot => IndexEntry.Slots.Provinces[slot]);
        Count("status", _status, slot => Number(slot));
        return rows;

        static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

        void Count(string field, ulong[]?[] values, Func<int, string?> name)
        {
            for (var slot = 0; slot < values.Length; slot++)
            {
                if (values[slot] is not { } bitmap)
                {
                    continue;
                }

                long count = 0;
                foreach (var w in nonZero)
                {
                    count += BitOperations.PopCount(words[w] & bitmap[w]);
                }

                if (count > 0)
                {
                    rows.Add(new FacetRow(field, name(slot), count));
                }
            }
        }
    }

    /// <summary>The volume and Chinese-share bounds, checked on what the other filters left.</summary>
    private void KeepInRanges(ulong[] words, DatasetFilter f)
    {
        var maxVolume = f.MaxVolumeBytes == 0 ? long.MaxValue : f.MaxVolumeBytes;
        if (f.MinVolumeBytes == 0 && maxVolume == long.MaxValue && f.MinZhShareBp == 0)
        {
            return;
        }

        for (var w = 0; w < words.Length; w++)
        {
            for (var word = words[w]; word != 0; word &= word - 1)
            {
                var bit = BitOperations.TrailingZeroCount(word);
                var i = (w << 6) + bit;
                if (_volumes[i] < f.MinVolumeBytes || _volumes[i] > maxVolume || _zhShares[i] < f.MinZhShareBp)
                {
                    words[w] &= ~(1UL << bit);
                }
            }
        }
    }

    private void Keep(ulong[] words, ulong[]?[] field, IEnumerable<int> values)
    {
        var allowed = values.Distinct().ToArray();
        if (allowed.Length == 0)
        {
            return;
        }

        var any = new ulong[_words];
        foreach (var value in allowed)
        {
            if (value >= 0 && field[value] is { } bitmap)
            {
                for (var w = 0; w < _words; w++)
                {
                    any[w] |= bitmap[w];
                }
            }
        }

        for (var w = 0; w < words.Length; w++)
        {
            words[w] &= any[w];
        }
    }
}
