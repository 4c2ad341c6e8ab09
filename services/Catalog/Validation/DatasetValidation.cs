using System.Text.RegularExpressions;
using Platform.Catalog.Model;
using Platform.Catalog.V1;
using Platform.Infrastructure.Errors;
using Platform.Infrastructure.Grpc;

namespace Platform.Catalog.Validation;

/// <summary>Checks and normalises requests; every problem becomes a field violation naming the field.</summary>
internal static partial class DatasetValidation
{
    public const int MaxNameLength = 200;
    public const int MaxTextLength = 4000;
    public const int MaxKeywords = 32;
    public const int MaxKeywordLength = 64;
    public const int MaxOrganisationLength = 200;
    public const int MaxEditionLength = 32;
    public const int MaxQueryLength = 200;
    public const int FullShare = 10_000;

    /// <summary>A batch moves each dataset at most once: a second step for the same dataset would see the first's result.</summary>
    public static void DistinctDatasetIds(IReadOnlyList<Guid> ids, FieldViolations violations)
    {
        var first = new Dictionary<Guid, int>();
        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i] != Guid.Empty && !first.TryAdd(ids[i], i))
            {
                violations.Add(ItemNaming.Batch.Field(i, "id"), $"names the same dataset as requests[{first[ids[i]]}].id");
            }
        }
    }

    /// <summary>Parses a dataset id or adds a violation for <paramref name="field"/>.</summary>
    public static Guid Id(string value, string field, FieldViolations violations) => violations.Uuid(value, field, "dataset") ?? Guid.Empty;

    /// <summary>Validates a dataset's descriptive fields and normalises them in place (trimmed text, canonical codes).</summary>
    public static void Content(Dataset d, FieldViolations v, string prefix = "")
    {
        d.Name = d.Name.Trim();
        d.NameEn = d.NameEn.Trim();
        d.DescriptionZh = d.DescriptionZh.Trim();
        d.DescriptionEn = d.DescriptionEn.Trim();
        d.Edition = d.Edition.Trim();

        v.Require(d.Name.Length > 0, prefix + "name", Fields.Required);
        Text(d.Name, MaxNameLength, prefix + "name", v);
        Text(d.NameEn, MaxNameLength, prefix + "name_en", v);
        Text(d.DescriptionZh, MaxTextLength, prefix + "description_zh", v);
        Text(d.DescriptionEn, MaxTextLength, prefix + "description_en", v);
        Text(d.Edition, MaxEditionLength, prefix + "edition", v);

        // A DRAFT may leave domain and modality UNSPECIFIED; SubmitForCertification requires them.
        v.Require(Enum.IsDefined(d.Domain), prefix + "domain", "is not a DOMAIN_ value");
        v.Require(Enum.IsDefined(d.Modality), prefix + "modality", "is not a MODALITY_ value");
        v.Require(Enum.IsDefined(d.QualityGrade), prefix + "quality_grade", "is not a QUALITY_GRADE_ value");
        v.Require(Enum.IsDefined(d.Licence), prefix + "licence", "is not a LICENCE_ value");
        v.Require(Enum.IsDefined(d.AccessLevel), prefix + "access_level", "is not an ACCESS_LEVEL_ value");

        Measures(d, v, prefix);
        Annotation(d, v, prefix);
        Provider(d, v, prefix);
        Keywords(d, v, prefix);
    }

    /// <summary>
    /// Validates the content a revision carries (volume, records, tokens, language shares) and normalises the language
    /// codes in place.
    /// </summary>
    public static void Measures(Dataset d, FieldViolations v, string prefix = "")
    {
        v.Quantity(d.VolumeBytes, prefix + "volume_bytes", Quantities.MaxVolumeBytes, "bytes");
        v.Quantity(d.RecordCount, prefix + "record_count", Quantities.MaxRecordCount, "records", allowZero: true);
        v.Quantity(d.TokenCount, prefix + "token_count", Quantities.MaxTokens, "tokens", allowZero: true);
        LanguageShares(d, v, prefix);
    }

    private static void Text(string value, int max, string field, FieldViolations v) =>
        v.Require(value.Length <= max, field, $"must be at most {max} characters");

    private static void LanguageShares(Dataset d, FieldViolations v, string prefix)
    {
        if (d.LanguageShares.Count == 0)
        {
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        long sum = 0;
        var allValid = true;
        for (var i = 0; i < d.LanguageShares.Count; i++)
        {
            var share = d.LanguageShares[i];
            var field = $"{prefix}language_shares[{i}]";
            var code = CanonicalLanguageTag(share.Code);
            if (code is null)
            {
                v.Add(field + ".code", $"'{share.Code}' is not a known BCP-47 language tag");
                allValid = false;
            }
            else if (!seen.Add(code))
            {
                v.Add(field + ".code", $"'{code}' is given more than once");
                allValid = false;
            }
            else
            {
                share.Code = code;
            }

            if (share.BasisPoints is <= 0 or > FullShare)
            {
                v.Add(field + ".basis_points", "must be between 1 and 10000");
                allValid = false;
            }

            sum += share.BasisPoints;
        }

        if (allValid && sum != FullShare)
        {
            v.Add(prefix + "language_shares", $"shares must sum to 10000 basis points, not {sum}");
        }
    }

    /// <summary>language[-Script][-REGION] with a known language subtag, in canonical case; null when not valid.</summary>
    public static string? CanonicalLanguageTag(string tag)
    {
        var match = LanguageTagPattern().Match(tag.Trim());
        if (!match.Success)
        {
            return null;
        }

        var language = match.Groups["language"].Value.ToLowerInvariant();
        if (!ReferenceData.LanguageSubtags.Contains(language))
        {
            return null;
        }

        var script = match.Groups["script"].Value;
        var region = match.Groups["region"].Value;
        return language
            + (script.Length > 0 ? "-" + char.ToUpperInvariant(script[0]) + script[1..].ToLowerInvariant() : "")
            + (region.Length > 0 ? "-" + region.ToUpperInvariant() : "");
    }

    /// <summary>Share of Chinese-language content, in basis points.</summary>
    public static int ZhShare(IEnumerable<LanguageShare> shares) =>
        shares.Where(s => ReferenceData.ChineseSubtags.Contains(s.Code.Split('-')[0])).Sum(s => s.BasisPoints);

    private static void Annotation(Dataset d, FieldViolations v, string prefix)
    {
        var a = d.Annotation ??= new Annotation();
        a.BaseCode = a.BaseCode.Trim().ToLowerInvariant();
        var field = prefix + "annotation";
        if (!Enum.IsDefined(a.Method))
        {
            v.Add(field + ".method", "is not an ANNOTATION_METHOD_ value");
            return;
        }

        if (a.BaseCode.Length > 0 && !ReferenceData.AnnotationBaseCodes.Contains(a.BaseCode))
        {
            v.Add(field + ".base_code", $"'{a.BaseCode}' is not a national annotation base (see ListAnnotationBases)");
        }

        v.Require(a.AnnotatedFractionBp is >= 0 and <= FullShare, field + ".annotated_fraction_bp", "must be between 0 and 10000");
        var annotated = a.Method is AnnotationMethod.Expert or AnnotationMethod.Crowd or AnnotationMethod.MachineAssisted;
        if (a.BaseCode.Length > 0)
        {
            v.Require(annotated, field + ".method", "must be EXPERT, CROWD or MACHINE_ASSISTED when base_code is set");
        }

        if (!annotated)
        {
            v.Require(a.AnnotatedFractionBp == 0, field + ".annotated_fraction_bp", "must be 0 when the data is not annotated");
        }
    }

    private static void Provider(Dataset d, FieldViolations v, string prefix)
    {
        var p = d.Provider ??= new Provider();
        p.Organisation = p.Organisation.Trim();
        Text(p.Organisation, MaxOrganisationLength, prefix + "provider.organisation", v);
        if (p.Province.Trim().Length == 0)
        {
            p.Province = "";
        }
        else if (ReferenceData.NormaliseProvince(p.Province) is { } province)
        {
            p.Province = province;
        }
        else
        {
            v.Add(prefix + "provider.province", $"'{p.Province}' is not a province-level division code (e.g. sichuan, beijing)");
        }
    }

    private static void Keywords(Dataset d, FieldViolations v, string prefix)
    {
        v.Require(d.Keywords.Count <= MaxKeywords, prefix + "keywords", $"at most {MaxKeywords} keywords");
        for (var i = 0; i < d.Keywords.Count; i++)
        {
            var keyword = d.Keywords[i].Trim();
            d.Keywords[i] = keyword;
            v.Require(keyword.Length > 0, $"{prefix}keywords[{i}]", Fields.Required);
            Text(keyword, MaxKeywordLength, $"{prefix}keywords[{i}]", v);
        }
    }

    /// <summary>Validates and normalises a filter in place.</summary>
    public static void Filter(DatasetFilter f, FieldViolations v)
    {
        const string p = "filter.";
        EnumList(f.Statuses, p + "statuses", v);
        EnumList(f.Domains, p + "domains", v);
        EnumList(f.Modalities, p + "modalities", v);
        EnumList(f.AnnotationMethods, p + "annotation_methods", v);
        EnumList(f.QualityGrades, p + "quality_grades", v);
        EnumList(f.Licences, p + "licences", v);
        EnumList(f.AccessLevels, p + "access_levels", v);
        for (var i = 0; i < f.AnnotationBaseCodes.Count; i++)
        {
            var code = f.AnnotationBaseCodes[i].Trim().ToLowerInvariant();
            f.AnnotationBaseCodes[i] = code;
            v.Require(code == "none" || ReferenceData.AnnotationBaseCodes.Contains(code), $"{p}annotation_base_codes[{i}]", $"'{code}' is not an annotation base code or \"none\"");
        }

        for (var i = 0; i < f.Provinces.Count; i++)
        {
            if (ReferenceData.NormaliseProvince(f.Provinces[i]) is { } province)
            {
                f.Provinces[i] = province;
            }
            else
            {
                v.Add($"{p}provinces[{i}]", $"'{f.Provinces[i]}' is not a province-level division code");
            }
        }

        v.Quantity(f.MinVolumeBytes, p + "min_volume_bytes", Quantities.MaxVolumeBytes, "bytes", allowZero: true);
        v.Quantity(f.MaxVolumeBytes, p + "max_volume_bytes", Quantities.MaxVolumeBytes, "bytes", allowZero: true);
        v.Require(f.MaxVolumeBytes == 0 || f.MaxVolumeBytes >= f.MinVolumeBytes, p + "max_volume_bytes", "must not be below min_volume_bytes");
        v.Require(f.MinZhShareBp is >= 0 and <= FullShare, p + "min_zh_share_bp", "must be between 0 and 10000");
    }

    private static void EnumList<T>(IList<T> values, string field, FieldViolations v) where T : struct, Enum
    {
        for (var i = 0; i < values.Count; i++)
        {
            v.Require(Enum.IsDefined(values[i]) && Convert.ToInt32(values[i], System.Globalization.CultureInfo.InvariantCulture) != 0,
                $"{field}[{i}]", "is not a defined value (UNSPECIFIED is not allowed)");
        }
    }

    [GeneratedRegex("^(?<language>[A-Za-z]{2,3})(-(?<script>[A-Za-z]{4}))?(-(?<region>[A-Za-z]{2}|[0-9]{3}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguageTagPattern();
}
