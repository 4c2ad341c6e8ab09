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
    public string Name_En { get; set; } = "";
    public string Description_Zh { get; set; } = "";
    public string Description_En { get; set; } = "";
    public short Domain { get; set; }
    public short Modality { get; set; }
    public long Volume_Bytes { get; set; }
    public long Record_Count { get; set; }
    public long Token_Count { get; set; }
    public string Language_Shares { get; set; } = "[]";
    public string? Annotation_Base_Code { get; set; }
    public short Annotation_Method { get; set; }
    public int Annotated_Fraction_Bp { get; set; }
    public short Quality_Grade { get; set; }
    public short Licence { get; set; }
    public short Access_Level { get; set; }
    public string Provider_Organisation { get; set; } = "";
    public string Province { get; set; } = "";
    public string[] Keywords { get; set; } = [];
    public string Edition { get; set; } = "";
    public short Status { get; set; }
    public long Version { get; set; }
    public string? Certificate_Number { get; set; }
    public DateTime? Certified_At { get; set; }
    public DateTime? Notice_Started_At { get; set; }
    public DateTime? Notice_Ends_At { get; set; }
    public int Open_Objection_Count { get; set; }
    public DateTime? Retired_At { get; set; }
    public string Rejection_Reason { get; set; } = "";
    public DateTime Created_At { get; set; }
    public DateTime Updated_At { get; set; }
    public int Evaluation_Count { get; set; }
    public int? Evaluation_Best_Uplift_Bp { get; set; }
    public int? Evaluation_Median_Uplift_Bp { get; set; }
    public int Revision { get; set; }
    public int Latest_Revision { get; set; }

    public CertificationStatus StatusValue => (CertificationStatus)Status;

    public Dataset ToMessage()
    {
        var message = new Dataset
        {
            Id = Id.ToString(),
            Name = Name,
            NameEn = Name_En,
            DescriptionZh = Description_Zh,
            DescriptionEn = Description_En,
            Domain = (V1.Domain)Domain,
            Modality = (Modality)Modality,
            VolumeBytes = Volume_Bytes,
            RecordCount = Record_Count,
            TokenCount = Token_Count,
            Annotation = new Annotation
            {
                BaseCode = Annotation_Base_Code ?? "",
                Method = (AnnotationMethod)Annotation_Method,
                AnnotatedFractionBp = Annotated_Fraction_Bp,
            },
            QualityGrade = (QualityGrade)Quality_Grade,
            Licence = (V1.Licence)Licence,
            AccessLevel = (AccessLevel)Access_Level,
            Provider = new Provider { Organisation = Provider_Organisation, Province = Province },
            Keywords = { Keywords },
            Edition = Edition,
            Status = StatusValue,
            Version = Version,
            CertificateNumber = Certificate_Number ?? "",
            CertifiedAt = Time(Certified_At),
            NoticeStartedAt = Time(Notice_Started_At),
            NoticeEndsAt = Time(Notice_Ends_At),
            OpenObjectionCount = Open_Objection_Count,
            RetiredAt = Time(Retired_At),
            RejectionReason = Rejection_Reason,
            CreatedAt = Time(Created_At),
            UpdatedAt = Time(Updated_At),
            Revision = Revision,
            LatestRevision = Latest_Revision,
        };
        if (Evaluation_Count > 0)
        {
            message.Evaluations = new EvaluationSummary { Count = Evaluation_Count };
            if (Evaluation_Best_Uplift_Bp is { } best)
            {
                message.Evaluations.BestUpliftBp = best;
            }

            if (Evaluation_Median_Uplift_Bp is { } median)
            {
                message.Evaluations.MedianUpliftBp = median;
            }
        }
        message.LanguageShares.AddRange(Shares(Language_Shares));
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

    /// <summary>Everything keyword search looks at, lower-cased once here so the query side can use LIKE on a trigram index.</summary>
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
