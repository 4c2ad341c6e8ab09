using Platform.Catalog.Data;
using Platform.Catalog.V1;

namespace Platform.Catalog.Search;

/// <summary>A search's filter as a predicate over index entries.</summary>
internal static class IndexFilter
{
    /// <summary>The filter as a predicate; null when it filters nothing.</summary>
    public static Func<IndexEntry, bool>? Of(DatasetFilter f)
    {
        if (f.Equals(new DatasetFilter()))
        {
            return null;
        }

        // Enum sets as 64-bit masks (every enum here has values below 64, as the facet counters assume): a bit test
        // per entry instead of a hash lookup, since anonymous searches always filter by status.
        static ulong Mask<T>(IEnumerable<T> values) where T : struct, Enum
        {
            var mask = 0UL;
            foreach (var value in values)
            {
                mask |= 1UL << (Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) & 63);
            }

            return mask == 0 ? ulong.MaxValue : mask;
        }

        static bool In(ulong mask, short value) => (mask & (1UL << (value & 63))) != 0;

        var statuses = Mask(f.Statuses);
        var domains = Mask(f.Domains);
        var modalities = Mask(f.Modalities);
        var methods = Mask(f.AnnotationMethods);
        var grades = Mask(f.QualityGrades);
        var licences = Mask(f.Licences);
        var access = Mask(f.AccessLevels);
        var provinces = f.Provinces.Count == 0 ? null : f.Provinces.ToHashSet(StringComparer.Ordinal);
        var bases = f.AnnotationBaseCodes.Count == 0 ? null : f.AnnotationBaseCodes.ToHashSet(StringComparer.Ordinal);
        var minVolume = f.MinVolumeBytes;
        var maxVolume = f.MaxVolumeBytes == 0 ? long.MaxValue : f.MaxVolumeBytes;
        var minZh = f.MinZhShareBp;
        return e =>
            In(statuses, e.Status)
            && In(domains, e.Domain)
            && In(modalities, e.Modality)
            && In(methods, e.AnnotationMethod)
            && In(grades, e.QualityGrade)
            && In(licences, e.Licence)
            && In(access, e.AccessLevel)
            && (provinces is null || provinces.Contains(e.Province))
            && (bases is null || bases.Contains(e.AnnotationBaseCode ?? "none"))
            && e.VolumeBytes >= minVolume && e.VolumeBytes <= maxVolume
            && e.ZhShareBp >= minZh;
    }
}
