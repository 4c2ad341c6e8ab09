using System.Collections.Frozen;
using Platform.Catalog.V1;

namespace Platform.Catalog.Validation;

/// <summary>The field mask of UpdateDataset: which paths may change and how each is copied.</summary>
internal static class DatasetMask
{
    /// <summary>The content fields: they change only by a new revision (CreateDatasetRevision).</summary>
    private static readonly FrozenSet<string> Content = FrozenSet.Create(StringComparer.Ordinal, "volume_bytes", "record_count", "token_count", "language_shares");

    private static readonly FrozenDictionary<string, Action<Dataset, Dataset>> Setters = new Dictionary<string, Action<Dataset, Dataset>>
    {
        ["name"] = (from, to) => to.Name = from.Name,
        ["name_en"] = (from, to) => to.NameEn = from.NameEn,
        ["description_zh"] = (from, to) => to.DescriptionZh = from.DescriptionZh,
        ["description_en"] = (from, to) => to.DescriptionEn = from.DescriptionEn,
        ["domain"] = (from, to) => to.Domain = from.Domain,
        ["modality"] = (from, to) => to.Modality = from.Modality,
        ["annotation"] = (from, to) => to.Annotation = from.Annotation?.Clone() ?? new Annotation(),
        ["annotation.base_code"] = (from, to) => to.Annotation.BaseCode = from.Annotation?.BaseCode ?? "",
        ["annotation.method"] = (from, to) => to.Annotation.Method = from.Annotation?.Method ?? AnnotationMethod.Unspecified,
        ["annotation.annotated_fraction_bp"] = (from, to) => to.Annotation.AnnotatedFractionBp = from.Annotation?.AnnotatedFractionBp ?? 0,
        ["quality_grade"] = (from, to) => to.QualityGrade = from.QualityGrade,
        ["licence"] = (from, to) => to.Licence = from.Licence,
        ["access_level"] = (from, to) => to.AccessLevel = from.AccessLevel,
        ["provider"] = (from, to) => to.Provider = from.Provider?.Clone() ?? new Provider(),
        ["provider.organisation"] = (from, to) => to.Provider.Organisation = from.Provider?.Organisation ?? "",
        ["provider.province"] = (from, to) => to.Provider.Province = from.Provider?.Province ?? "",
        ["keywords"] = (from, to) =>
        {
            to.Keywords.Clear();
            to.Keywords.AddRange(from.Keywords);
        },
        ["edition"] = (from, to) => to.Edition = from.Edition,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static bool IsUpdatable(string path) => Setters.ContainsKey(path);

    /// <summary>Why <paramref name="path"/> cannot be in an update mask.</summary>
    public static string NotUpdatable(string path) => Content.Contains(path)
        ? $"'{path}' is content: it changes only by a new revision (CreateDatasetRevision)"
        : $"'{path}' is not an updatable field";

    /// <summary>Copies the masked fields of <paramref name="from"/> onto <paramref name="to"/>.</summary>
    public static void Apply(Dataset from, Dataset to, IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            Setters[path](from, to);
        }
    }
}
