namespace Platform.Contracts;

/// <summary>A language's share of a dataset's content, in basis points (10,000 = 100 %). Code is BCP-47 (zh, en, ...).</summary>
public sealed record LanguageShare(string Code, int BasisPoints);

/// <summary>Descriptive facts about a dataset that the other services aggregate.</summary>
/// <param name="Domain">lower_snake_case domain name: healthcare, industry, finance, ..., other.</param>
/// <param name="Modality">lower_snake_case modality name: text, image, ..., time_series, geospatial.</param>
/// <param name="AnnotationBaseCode">Code of the national annotation base the data was annotated at, or null.</param>
public sealed record DatasetFacts(
    string Name,
    string Domain,
    string Modality,
    long VolumeBytes,
    long RecordCount,
    long TokenCount,
    string Province,
    string ProviderOrganisation,
    string? AnnotationBaseCode,
    IReadOnlyList<LanguageShare> LanguageShares);

/// <summary>A dataset was registered (status DRAFT).</summary>
public sealed record DatasetRegistered(Guid DatasetId, DatasetFacts Facts, DateTimeOffset RegisteredAt);

/// <summary>
/// A dataset's revision was certified as high-quality: revision 1 (or whichever the dataset was at) by its
/// certification, from when on it counts in H1, H2 and H8; a later revision of a certified dataset by
/// CertifyDatasetRevision, from when on its <paramref name="Facts"/> are the dataset's counted content.
/// </summary>
public sealed record DatasetCertified(Guid DatasetId, string CertificateNumber, DatasetFacts Facts, DateTimeOffset CertifiedAt, int Revision = 1);

/// <summary>A dataset's descriptive fields changed; <paramref name="Status"/> is its certification status (lower_snake_case).</summary>
public sealed record DatasetUpdated(Guid DatasetId, long Version, string Status, DatasetFacts Facts, DateTimeOffset UpdatedAt);

/// <summary>A certified dataset was retired: it no longer counts as high-quality and its listings are delisted.</summary>
public sealed record DatasetRetired(Guid DatasetId, DateTimeOffset RetiredAt);

/// <summary>
/// An evaluation of a certified dataset was recorded (metrics' H9): the dataset's domain and modality and whether it
/// was annotated, the metric (lower_snake_case, e.g. accuracy) and the relative uplift in basis points (1,500 = +15 %).
/// </summary>
public sealed record EvaluationRecorded(
    Guid EvaluationId, Guid DatasetId, string Domain, string Modality, bool Annotated, string Metric, int UpliftBp, DateTimeOffset EvaluatedAt);
