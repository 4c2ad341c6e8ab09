using Platform.Catalog.Model;
using Platform.Catalog.V1;

namespace Platform.Catalog.UnitTests;

public sealed class CertificationTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 30, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(CertificationStatus.Submitted)]
    [InlineData(CertificationStatus.PublicNotice)]
    [InlineData(CertificationStatus.Certified)]
    [InlineData(CertificationStatus.Rejected)]
    [InlineData(CertificationStatus.Retired)]
    public void OnlyDraftsCanBeSubmitted(CertificationStatus status)
    {
        Assert.NotNull(Certification.CanSubmit(status, V1.Domain.Healthcare, Modality.Image));
        Assert.Null(Certification.CanSubmit(CertificationStatus.Draft, V1.Domain.Healthcare, Modality.Image));
    }

    [Fact]
    public void SubmissionNeedsDomainAndModality()
    {
        Assert.NotNull(Certification.CanSubmit(CertificationStatus.Draft, V1.Domain.Unspecified, Modality.Image));
        Assert.NotNull(Certification.CanSubmit(CertificationStatus.Draft, V1.Domain.Finance, Modality.Unspecified));
    }

    [Fact]
    public void CertificationWaitsForTheEndOfTheNoticePeriod()
    {
        var endsAt = Now.AddDays(3);

        Assert.NotNull(Certification.CanCertify(CertificationStatus.PublicNotice, endsAt.AddTicks(-1), endsAt, 0));
        Assert.Null(Certification.CanCertify(CertificationStatus.PublicNotice, endsAt, endsAt, 0));
    }

    [Fact]
    public void CertificationIsBlockedByAnOpenObjection() =>
        Assert.NotNull(Certification.CanCertify(CertificationStatus.PublicNotice, Now.AddDays(4), Now.AddDays(3), 1));

    [Theory]
    [InlineData(CertificationStatus.Draft)]
    [InlineData(CertificationStatus.Submitted)]
    [InlineData(CertificationStatus.Certified)]
    [InlineData(CertificationStatus.Rejected)]
    [InlineData(CertificationStatus.Retired)]
    public void OnlyDatasetsInPublicNoticeCanBeCertified(CertificationStatus status) =>
        Assert.NotNull(Certification.CanCertify(status, Now.AddDays(10), Now, 0));

    [Fact]
    public void ObjectionsAreAcceptedOnlyDuringTheNotice()
    {
        var endsAt = Now.AddDays(3);

        Assert.Null(Certification.CanObject(CertificationStatus.PublicNotice, Now, endsAt));
        Assert.NotNull(Certification.CanObject(CertificationStatus.PublicNotice, endsAt, endsAt));
        Assert.NotNull(Certification.CanObject(CertificationStatus.Draft, Now, null));
    }

    [Theory]
    [InlineData(CertificationStatus.Submitted, true)]
    [InlineData(CertificationStatus.PublicNotice, true)]
    [InlineData(CertificationStatus.Draft, false)]
    [InlineData(CertificationStatus.Certified, false)]
    [InlineData(CertificationStatus.Retired, false)]
    public void RejectionIsAllowedOnlyDuringReview(CertificationStatus status, bool allowed) =>
        Assert.Equal(allowed, Certification.CanReject(status) is null);

    [Theory]
    [InlineData(CertificationStatus.Certified, true)]
    [InlineData(CertificationStatus.Draft, false)]
    [InlineData(CertificationStatus.PublicNotice, false)]
    [InlineData(CertificationStatus.Rejected, false)]
    [InlineData(CertificationStatus.Retired, false)]
    public void OnlyCertifiedDatasetsCanBeRetired(CertificationStatus status, bool allowed) =>
        Assert.Equal(allowed, Certification.CanRetire(status) is null);

    [Fact]
    public void RetiredDatasetsCannotBeUpdated()
    {
        Assert.NotNull(Certification.CanUpdate(CertificationStatus.Retired));
        Assert.Null(Certification.CanUpdate(CertificationStatus.Certified));
    }

    [Fact]
    public void CertificateNumberHasYearAndSixDigitSequence() =>
        Assert.Equal("HQ-2025-000042", Certification.CertificateNumber(2025, 42));

    [Fact]
    public void CertificateYearFollowsChinaStandardTime() =>
        Assert.Equal(2026, Certification.CertificateYear(new DateTimeOffset(2025, 12, 31, 17, 0, 0, TimeSpan.Zero)));
}
