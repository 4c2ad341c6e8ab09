using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Platform.Catalog.Model;
using Platform.Catalog.V1;
using Platform.Contracts;
using Platform.Catalog.Validation;

namespace Platform.Catalog.Data;

/// <summary>A row of <c>datasets</c> (Dapper maps the snake_case columns).</summary>
internal sealed class DatasetRow
{
    public const string Columns =
        "id, name, name_en, description_zh, description_en, domain, modality, volume_bytes, record_count, token_count, " +
        "language_shares::text as language_shares, annotation_base_code, annotation_method, annotated_fraction_bp, quality_grade, " +
        "licence, access_level, provider_organisation, province, keywords, edition, status, version, certificate_number, " +
        "certified_at, notice_started_at, notice_ends_at, open_objection_count, retired_at, rejection_reason, created_at, updated_at, " +
        "evaluation_count, evaluation_best_uplift_bp, evaluation_median_uplift_bp, revision, latest_revision";

    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string NameEn { get; set; } = "";
    public string DescriptionZh { get; set; } = "";
    public string DescriptionEn { get; set; } = "";
    public short Domain { get; set; }
    public short Modality { get; set; }
    public long VolumeBytes { get; set; }
    public long RecordCount { get; set; }
    public long TokenCount { get; set; }
    public string LanguageShares { get; set; } = "[]";
    public string? AnnotationBaseCode { get; set; }
    public short AnnotationMethod { get; set; }
    public int AnnotatedFractionBp { get; set; }
    public short QualityGrade { get; set; }
    public short Licence { get; set; }
    public short AccessLevel { get; set; }
    public string ProviderOrganisation { get; set; } = "";
    public string Province { get; set; } = "";
    public string[] Keywords { get; set; } = [];
    public string Edition { get; set; } = "";
    public short Status { get; set; }
    public long Version { get; set; }
    public string? CertificateNumber { get; set; }
    public DateTime? CertifiedAt { get; set; }
    public DateTime? NoticeStartedAt { get; set; }
    public DateTime? NoticeEndsAt { get; set; }
    public int OpenObjectionCount { get; set; }
    public DateTime? RetiredAt { get; set; }
    public string RejectionReason { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int EvaluationCount { get; set; }
    public int? EvaluationBestUpliftBp { get; set; }
    public int? EvaluationMedianUpliftBp { get; set; }
    public int Revision { get; set; }
    public int LatestRevision { get; set; }

    public CertificationStatus StatusValue => (CertificationStatus)Status;

    public Dataset ToMessage()
    {
        var message = new Dataset
        {
            Id = Id.ToString(),
            Name = Name,
            NameEn = NameEn,
            DescriptionZh = DescriptionZh,
            DescriptionEn = DescriptionEn,
            Domain = (V1.Domain)Domain,
            Modality = (Modality)Modality,
            VolumeBytes = VolumeBytes,
            RecordCount = RecordCount,
            TokenCount = TokenCount,
            Annotation = new Annotation
            {
                BaseCode = AnnotationBaseCode ?? "",
                Method = (AnnotationMethod)AnnotationMethod,
                AnnotatedFractionBp = AnnotatedFractionBp,
            },
            QualityGrade = (QualityGrade)QualityGrade,
            Licence = (V1.Licence)Licence,
            AccessLevel = (AccessLevel)AccessLevel,
            Provider = new Provider { Organisation = ProviderOrganisation, Province = Province },
            Keywords = { Keywords },
            Edition = Edition,
            Status = StatusValue,
            Version = Version,
            CertificateNumber = CertificateNumber ?? "",
            CertifiedAt = Time(CertifiedAt),
            NoticeStartedAt = Time(NoticeStartedAt),
            NoticeEndsAt = Time(NoticeEndsAt),
            OpenObjectionCount = OpenObjectionCount,
            RetiredAt = Time(RetiredAt),
            RejectionReason = RejectionReason,
            CreatedAt = Time(CreatedAt),
            UpdatedAt = Time(UpdatedAt),
            Revision = Revision,
            LatestRevision = LatestRevision,
        };
        if (EvaluationCount > 0)
        {
            message.Evaluations = new EvaluationSummary { Count = EvaluationCount };
            if (EvaluationBestUpliftBp is { } best)
            {
                message.Evaluations.BestUpliftBp = best;
            }

            if (EvaluationMedianUpliftBp is { } median)
            {
                message.Evaluations.MedianUpliftBp = median;
            }
        }
        message.LanguageShares.AddRange(Shares(LanguageShares));
        return message;
    }

    /// <summary>Language shares as stored (<c>[{"code":"zh","bp":8000},...]</c>).</summary>
    public static IEnumerable<V1.LanguageShare> Shares(string stored) =>
        (JsonSerializer.Deserialize(stored, StoredJson.Default.StoredShareArray) ?? []).Select(s => new V1.LanguageShare { Code = s.Code, BasisPoints = s.Bp });

    /// <summary>Language shares to store, the inverse of <see cref="Shares"/>.</summary>
    public static string StoredShares(IEnumerable<V1.LanguageShare> shares) =>
        JsonSerializer.Serialize(shares.Select(s => new StoredShare(s.Code, s.BasisPoints)).ToArray(), StoredJson.Default.StoredShareArray);

    public static Timestamp? Time(DateTime? value) =>
        value is { } v ? Timestamp.FromDateTime(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    /// <summary>The column values of a dataset's descriptive fields, for insert and update.</summary>
    public static object ContentParameters(Dataset d) => new
    {
        name = d.Name,
        nameEn = d.NameEn,
        descriptionZh = d.DescriptionZh,
        descriptionEn = d.DescriptionEn,
        domain = (short)d.Domain,
        modality = (short)d.Modality,
        volumeBytes = d.VolumeBytes,
        recordCount = d.RecordCount,
        tokenCount = d.TokenCount,
        languageShares = StoredShares(d.LanguageShares),
        zhShareBp = DatasetValidation.ZhShare(d.LanguageShares),
        annotationBaseCode = d.Annotation.BaseCode.Length == 0 ? null : d.Annotation.BaseCode,
        annotationMethod = (short)d.Annotation.Method,
        annotatedFractionBp = d.Annotation.AnnotatedFractionBp,
        qualityGrade = (short)d.QualityGrade,
        licence = (short)d.Licence,
        accessLevel = (short)d.AccessLevel,
        providerOrganisation = d.Provider.Organisation,
        province = d.Provider.Province,
        keywords = d.Keywords.ToArray(),
        edition = d.Edition,
        searchText = SearchText(d),
    };

    /// <summary>Everything keyword search looks at, lower-cased once here (the in-memory index and the SQL fallback's LIKE both match on it).</summary>
    public static string SearchText(Dataset d) =>
        string.Join('\n', new[] { d.Name, d.NameEn, d.DescriptionZh, d.DescriptionEn }.Concat(d.Keywords)).ToLowerInvariant();

    /// <summary>The facts other services aggregate, as carried by the integration events.</summary>
    public static DatasetFacts Facts(Dataset d) => new(
        d.Name,
        ReferenceData.EnumName(d.Domain),
        ReferenceData.EnumName(d.Modality),
        d.VolumeBytes,
        d.RecordCount,
        d.TokenCount,
        d.Provider?.Province ?? "",
        d.Provider?.Organisation ?? "",
        d.Annotation is { BaseCode.Length: > 0 } a ? a.BaseCode : null,
        d.LanguageShares.Select(s => new Contracts.LanguageShare(s.Code, s.BasisPoints)).ToArray());
}

internal sealed record StoredShare(string Code, int Bp);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(StoredShare[]))]
internal sealed partial class StoredJson : System.Text.Json.Serialization.JsonSerializerContext;
