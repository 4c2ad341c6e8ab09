using Platform.Catalog.Data;
using Platform.Catalog.Model;
using Platform.Catalog.V1;
using Platform.Infrastructure.Grpc;

namespace Platform.Catalog.Grpc;

/// <summary>The catalog's aggregates as messages: search facets and the stats buckets, largest first.</summary>
internal static class CatalogFigures
{
    public static IEnumerable<Facet> Facets(IReadOnlyList<FacetRow> rows)
    {
        foreach (var (field, _, enumType) in DatasetQueries.FacetFields)
        {
            var facet = new Facet { Field = field };
            facet.Values.AddRange(rows
                .Where(f => f.Field == field && f.Count > 0)
                .Select(f => new FacetValue { Value = ValueName(field, enumType, f.Value), Count = f.Count })
                .Where(v => v.Value.Length > 0)
                .OrderByDescending(v => v.Count).ThenBy(v => v.Value, StringComparer.Ordinal));
            yield return facet;
        }
    }

    public static CatalogStats Stats(IReadOnlyList<StatsRow> rows)
    {
        var stats = new CatalogStats { VolumeBytesExact = Totals.Exact(0), CertifiedVolumeBytesExact = Totals.Exact(0) };
        foreach (var row in rows)
        {
            if (row.Field.Length == 0)
            {
                stats.DatasetCount = row.Count;
                stats.VolumeBytes = Totals.Saturated(row.Bytes);
                stats.VolumeBytesExact = Totals.Exact(row.Bytes);
                continue;
            }

            var (list, enumType) = row.Field switch
            {
                "status" => (stats.ByStatus, typeof(CertificationStatus)),
                "domain" => (stats.ByDomain, typeof(V1.Domain)),
                "modality" => (stats.ByModality, typeof(Modality)),
                "annotation_base" => (stats.ByAnnotationBase, (Type?)null),
                _ => (stats.ByProvince, null),
            };
            var key = ValueName(row.Field, enumType, row.Value);
            if (row.Field == "province" && key.Length == 0)
            {
                key = "unknown";
            }

            list.Add(new StatsBucket
            {
                Key = key,
                DatasetCount = row.Count,
                VolumeBytes = Totals.Saturated(row.Bytes),
                VolumeBytesExact = Totals.Exact(row.Bytes),
            });
            if (row.Field == "status" && key == "certified")
            {
                stats.CertifiedDatasetCount = row.Count;
                stats.CertifiedVolumeBytes = Totals.Saturated(row.Bytes);
                stats.CertifiedVolumeBytesExact = Totals.Exact(row.Bytes);
            }
        }

        foreach (var list in new[] { stats.ByStatus, stats.ByDomain, stats.ByModality, stats.ByAnnotationBase, stats.ByProvince })
        {
            var sorted = list.OrderByDescending(b => b.DatasetCount).ThenBy(b => b.Key, StringComparer.Ordinal).ToList();
            list.Clear();
            list.AddRange(sorted);
        }

        return stats;
    }

    private static string ValueName(string field, Type? enumType, string? value) =>
        enumType is not null && int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? ReferenceData.EnumName(enumType, number)
            : field == "annotation_base" && value is null ? "none" : value ?? "";
}
