using Platform.Catalog.Search;
using Platform.Catalog.V1;

namespace Platform.Catalog.UnitTests;

/// <summary>The search index's bitmaps against the plain predicate they replace, over random entries and filters.</summary>
public sealed class FieldBitmapsTests
{
    private static readonly string[] Provinces = IndexEntry.Slots.Provinces[1..5];
    private static readonly string?[] Bases = IndexEntry.Slots.Bases[..4];

    [Fact]
    public void FiltersAndFacetsAgreeWithThePredicateOverEveryEntry()
    {
        var random = new Random(7);
        var entries = Enumerable.Range(0, 1_000).Select(_ => Entry(random)).OrderByDescending(e => e.Key).ToArray();
        var snapshot = new IndexSnapshot(entries);

        for (var run = 0; run < 300; run++)
        {
            var filter = Filter(random);
            var words = snapshot.Candidates([]);
            snapshot.Bitmaps.Filter(words, filter);
            var expected = entries.Where(e => Matches(e, filter)).ToArray();

            var found = Enumerable.Range(0, entries.Length).Where(i => (words[i >> 6] & (1UL << (i & 63))) != 0).Select(i => entries[i]).ToArray();
            Assert.Equal(expected, found);
            var nonZero = Enumerable.Range(0, words.Length).Where(w => words[w] != 0).ToArray();
            var facets = snapshot.Bitmaps.Facets(words, nonZero).ToLookup(f => f.Field);
            Assert.Equal(Counts(expected, e => e.Domain.ToString(System.Globalization.CultureInfo.InvariantCulture)), Rows(facets["domain"]));
            Assert.Equal(Counts(expected, e => e.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)), Rows(facets["status"]));
            Assert.Equal(Counts(expected, e => e.Province), Rows(facets["province"]));
            Assert.Equal(Counts(expected, e => e.AnnotationBaseCode), Rows(facets["annotation_base"]));
        }
    }

    [Fact]
    public void AfterFindsTheFirstEntryPastACursorAcrossWords()
    {
        var random = new Random(3);
        var entries = Enumerable.Range(0, 500).Select(_ => Entry(random)).OrderByDescending(e => e.Key).ToArray();
        var snapshot = new IndexSnapshot(entries);

        for (var i = 0; i < entries.Length; i++)
        {
            Assert.Equal(i + 1, snapshot.After(entries[i].Key));
        }

        Assert.Equal(0, snapshot.After(UInt128.MaxValue));
        Assert.Equal(entries.Length, snapshot.After(UInt128.Zero));
    }

    private static IndexEntry Entry(Random random)
    {
        var id = Guid.NewGuid();
        return new IndexEntry(IndexEntry.KeyOf(id), id, 1, (short)random.Next(1, 7), (short)random.Next(1, 12), (short)random.Next(1, 9),
            (short)random.Next(0, 4), (short)random.Next(1, 5), (short)random.Next(1, 4), (short)random.Next(1, 4),
            Provinces[random.Next(Provinces.Length)], Bases[random.Next(Bases.Length)], random.NextInt64(1, 1_000_000), random.Next(0, 10_001), "");
    }

    private static DatasetFilter Filter(Random random)
    {
        var f = new DatasetFilter();
        if (random.Next(3) == 0) f.Statuses.Add((CertificationStatus)random.Next(1, 7));
        if (random.Next(3) == 0) f.Domains.Add(Enumerable.Range(0, random.Next(1, 4)).Select(_ => (Domain)random.Next(1, 12)));
        if (random.Next(4) == 0) f.Modalities.Add((Modality)random.Next(1, 9));
        if (random.Next(4) == 0) f.AnnotationMethods.Add((AnnotationMethod)random.Next(0, 4));
        if (random.Next(4) == 0) f.QualityGrades.Add((QualityGrade)random.Next(1, 5));
        if (random.Next(4) == 0) f.Licences.Add((Licence)random.Next(1, 4));
        if (random.Next(4) == 0) f.AccessLevels.Add((AccessLevel)random.Next(1, 4));
        if (random.Next(3) == 0) f.Provinces.Add(random.Next(5) == 0 ? "atlantis" : Provinces[random.Next(Provinces.Length)]);
        if (random.Next(3) == 0) f.AnnotationBaseCodes.Add(Bases[random.Next(Bases.Length)] ?? "none");
        if (random.Next(4) == 0) f.MinVolumeBytes = random.NextInt64(1, 1_000_000);
        if (random.Next(4) == 0) f.MaxVolumeBytes = random.NextInt64(1, 1_000_000);
        if (random.Next(4) == 0) f.MinZhShareBp = random.Next(0, 10_001);
        return f;
    }

    private static bool Matches(IndexEntry e, DatasetFilter f) =>
        (f.Statuses.Count == 0 || f.Statuses.Contains((CertificationStatus)e.Status))
        && (f.Domains.Count == 0 || f.Domains.Contains((Domain)e.Domain))
        && (f.Modalities.Count == 0 || f.Modalities.Contains((Modality)e.Modality))
        && (f.AnnotationMethods.Count == 0 || f.AnnotationMethods.Contains((AnnotationMethod)e.AnnotationMethod))
        && (f.QualityGrades.Count == 0 || f.QualityGrades.Contains((QualityGrade)e.QualityGrade))
        && (f.Licences.Count == 0 || f.Licences.Contains((Licence)e.Licence))
        && (f.AccessLevels.Count == 0 || f.AccessLevels.Contains((AccessLevel)e.AccessLevel))
        && (f.Provinces.Count == 0 || f.Provinces.Contains(e.Province))
        && (f.AnnotationBaseCodes.Count == 0 || f.AnnotationBaseCodes.Contains(e.AnnotationBaseCode ?? "none"))
        && e.VolumeBytes >= f.MinVolumeBytes && (f.MaxVolumeBytes == 0 || e.VolumeBytes <= f.MaxVolumeBytes)
        && e.ZhShareBp >= f.MinZhShareBp;

    private static (string?, long)[] Counts(IndexEntry[] entries, Func<IndexEntry, string?> value) =>
        entries.GroupBy(value).Select(g => (g.Key, (long)g.Count())).OrderBy(r => r.Key, StringComparer.Ordinal).ToArray();

    private static (string?, long)[] Rows(IEnumerable<Data.FacetRow> rows) =>
        rows.Select(r => (r.Value, r.Count)).OrderBy(r => r.Value, StringComparer.Ordinal).ToArray();
}
