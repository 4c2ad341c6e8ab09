using Platform.Catalog.V1;

namespace Platform.Catalog.Model;

/// <summary>Settings of the certification process (<c>Catalog:Certification</c>).</summary>
public sealed class CertificationOptions
{
    public const string SectionName = "Catalog:Certification";

    /// <summary>How long a submitted dataset stays in public notice before it may be certified.</summary>
    public TimeSpan NoticePeriod { get; set; } = TimeSpan.FromDays(3);
}

/// <summary>The certification state machine; every method returns null when allowed, or why not.</summary>
internal static class Certification
{
    /// <summary>Submission is accepted at once, so the dataset passes SUBMITTED and lands in PUBLIC_NOTICE.</summary>
    public static string? CanSubmit(CertificationStatus status, V1.Domain domain, Modality modality) =>
        status != CertificationStatus.Draft
            ? $"only a DRAFT dataset can be submitted for certification; it is {Name(status)}"
            : domain == V1.Domain.Unspecified || modality == Modality.Unspecified
                ? "the dataset must state its domain and modality before it is submitted"
                : null;

    public static string? CanObject(CertificationStatus status, DateTimeOffset now, DateTimeOffset? noticeEndsAt) =>
        status != CertificationStatus.PublicNotice
            ? $"objections can only be raised during the public notice; the dataset is {Name(status)}"
            : now >= noticeEndsAt
                ? "the public notice period is over"
                : null;

    public static string? CanCertify(CertificationStatus status, DateTimeOffset now, DateTimeOffset? noticeEndsAt, int openObjectionsLeft) =>
        status != CertificationStatus.PublicNotice
            ? $"only a dataset in PUBLIC_NOTICE can be certified; it is {Name(status)}"
            : now < noticeEndsAt
                ? $"the public notice period runs until {noticeEndsAt:O}"
                : openObjectionsLeft > 0
                    ? $"{openObjectionsLeft} objection(s) are still open; dismiss them or reject the dataset"
                    : null;

    public static string? CanReject(CertificationStatus status) =>
        status is CertificationStatus.Submitted or CertificationStatus.PublicNotice
            ? null
            : $"only a SUBMITTED or PUBLIC_NOTICE dataset can be rejected; it is {Name(status)}";

    public static string? CanRetire(CertificationStatus status) =>
        status == CertificationStatus.Certified ? null : $"only a CERTIFIED dataset can be retired; it is {Name(status)}";

    public static string? CanUpdate(CertificationStatus status) =>
        status == CertificationStatus.Retired ? "a RETIRED dataset cannot be changed" : null;

    /// <summary>A DRAFT dataset's revision describes it at once; a CERTIFIED one's awaits CertifyDatasetRevision.</summary>
    public static string? CanRevise(CertificationStatus status) =>
        status is CertificationStatus.Draft or CertificationStatus.Certified
            ? null
            : $"only a DRAFT or CERTIFIED dataset takes a new revision; it is {Name(status)}";

    /// <summary>A CERTIFIED dataset's revision newer than its certified one (which CertifyDataset certified).</summary>
    public static string? CanCertifyRevision(CertificationStatus status, int certifiedRevision, int revision) =>
        status != CertificationStatus.Certified
            ? $"only a CERTIFIED dataset's newer revision is certified on its own (CertifyDataset certifies the revision a dataset is at); it is {Name(status)}"
            : revision <= certifiedRevision
                ? $"revision {revision} is not newer than the certified revision {certifiedRevision}"
                : null;

    /// <summary>HQ-&lt;year&gt;-&lt;sequence&gt;, the sequence restarting every year.</summary>
    public static string CertificateNumber(int year, long sequence) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"HQ-{year}-{sequence:D6}");

    /// <summary>Certificate years follow China Standard Time (UTC+8), where the certificates are issued.</summary>
    public static int CertificateYear(DateTimeOffset now) => now.ToOffset(TimeSpan.FromHours(8)).Year;

    private static string Name(CertificationStatus status) => ReferenceData.EnumName(status).ToUpperInvariant();
}
