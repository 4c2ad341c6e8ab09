using System.Text.RegularExpressions;
using Grpc.Core;
using Platform.Catalog.V1;
using Platform.Testing;

namespace Platform.Catalog.FunctionalTests;

[Collection(CatalogCollection.Name)]
public sealed class CertificationTests(CatalogFixture fixture)
{
    private static readonly TimeSpan NoticePeriod = TimeSpan.FromDays(3);

    private CatalogService.CatalogServiceClient Client => fixture.Client;

    [Fact]
    public async Task FullCertificationPathIssuesACertificateAndWritesEveryEvent()
    {
        var registered = await Client.RegisterDatasetAsync(Datasets.ChestCt());

        var submitted = await Client.SubmitForCertificationAsync(new SubmitForCertificationRequest { RequestId = Guid.NewGuid().ToString(), Id = registered.Id });
        Assert.Equal(CertificationStatus.PublicNotice, submitted.Status);
        Assert.Equal(submitted.NoticeStartedAt.ToDateTimeOffset() + NoticePeriod, submitted.NoticeEndsAt.ToDateTimeOffset());

        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await Client.CertifyDatasetAsync(new CertifyDatasetRequest { Id = registered.Id }));

        var objection = await Client.RaiseObjectionAsync(new RaiseObjectionRequest { Id = registered.Id, Objector = "某研究所", Reason = "部分影像缺少脱敏处理" });
        Assert.Equal(ObjectionState.Open, objection.State);
        Assert.Equal(1, (await Client.GetDatasetAsync(new GetDatasetRequest { Id = registered.Id })).OpenObjectionCount);

        fixture.Time.Advance(NoticePeriod);
        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await Client.CertifyDatasetAsync(new CertifyDatasetRequest { Id = registered.Id }));

        var certified = await Client.CertifyDatasetAsync(new CertifyDatasetRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Id = registered.Id,
            DismissedObjectionIds = { objection.Id },
        });
        Assert.Equal(CertificationStatus.Certified, certified.Status);
        Assert.Matches(new Regex(@"^HQ-\d{4}-\d{6}$"), certified.CertificateNumber);
        Assert.Equal(0, certified.OpenObjectionCount);
        Assert.NotNull(certified.CertifiedAt);

        var retired = await Client.RetireDatasetAsync(new RetireDatasetRequest { Id = registered.Id, Reason = "superseded" });
        Assert.Equal(CertificationStatus.Retired, retired.Status);

        var events = await fixture.OutboxEventsAsync(registered.Id);
        Assert.Equal(
            ["Platform.Contracts.DatasetRegistered", "Platform.Contracts.DatasetCertified", "Platform.Contracts.DatasetRetired"],
            events.Select(e => e.Type));
        Assert.Contains($"\"certificateNumber\": \"{certified.CertificateNumber}\"", events[1].Payload);
        Assert.Contains("\"domain\": \"healthcare\"", events[1].Payload);
    }

    [Fact]
    public async Task RegisteringWithSubmissionStartsTheNoticeInTheSameWrite()
    {
        var request = Datasets.ChestCt();
        request.SubmitForCertification = true;

        var registered = await Client.RegisterDatasetAsync(request);

        Assert.Equal(CertificationStatus.PublicNotice, registered.Status);
        Assert.Equal(registered.NoticeStartedAt.ToDateTimeOffset() + NoticePeriod, registered.NoticeEndsAt.ToDateTimeOffset());
        Assert.Equal(registered, await Client.GetDatasetAsync(new GetDatasetRequest { Id = registered.Id }));
        var history = await Client.ListHistoryAsync(new Platform.History.V1.ListHistoryRequest { RecordId = registered.Id });
        var entry = Assert.Single(history.Entries);
        Assert.Equal("RegisterDataset", entry.Method);
        Assert.Contains(entry.Changes, c => c.Field == "status" && c.To == "\"CERTIFICATION_STATUS_PUBLIC_NOTICE\"");
        // Submitted already: a second submission is refused, and certification waits for the notice period as usual.
        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await Client.SubmitForCertificationAsync(new SubmitForCertificationRequest { Id = registered.Id }));
        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await Client.CertifyDatasetAsync(new CertifyDatasetRequest { Id = registered.Id }));
        fixture.Time.Advance(NoticePeriod);
        Assert.Equal(CertificationStatus.Certified, (await Client.CertifyDatasetAsync(new CertifyDatasetRequest { Id = registered.Id })).Status);
        Assert.Equal(
            ["Platform.Contracts.DatasetRegistered", "Platform.Contracts.DatasetCertified"],
            (await fixture.OutboxEventsAsync(registered.Id)).Select(e => e.Type));
    }

    [Fact]
    public async Task RegisteringWithSubmissionNeedsDomainAndModality()
    {
        var request = Datasets.ChestCt();
        request.SubmitForCertification = true;
        request.Domain = Domain.Unspecified;
        request.Modality = Modality.Unspecified;

        var error = await GrpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await Client.RegisterDatasetAsync(request));
        Assert.Equal(["domain", "modality"], GrpcAssert.ViolatedFields(error).Order(StringComparer.Ordinal));

        // The same registration without submission is a DRAFT that may name them later.
        request.SubmitForCertification = false;
        request.RequestId = Guid.NewGuid().ToString();
        Assert.Equal(CertificationStatus.Draft, (await Client.RegisterDatasetAsync(request)).Status);
    }

    [Fact]
    public async Task CertificateNumbersAreSequential()
    {
        var first = await CertifyAsync(await Client.RegisterDatasetAsync(Datasets.ChestCt()));
        var second = await CertifyAsync(await Client.RegisterDatasetAsync(Datasets.Finance()));

        Assert.Equal(int.Parse(first.CertificateNumber[^6..]) + 1, int.Parse(second.CertificateNumber[^6..]));
    }

    [Fact]
    public async Task RetriedCertificationReturnsTheSameCertificate()
    {
        var dataset = await Submit(await Client.RegisterDatasetAsync(Datasets.ChestCt()));
        fixture.Time.Advance(NoticePeriod);
        var request = new CertifyDatasetRequest { RequestId = Guid.NewGuid().ToString(), Id = dataset.Id };

        var first = await Client.CertifyDatasetAsync(request);
        var second = await Client.CertifyDatasetAsync(request);

        Assert.Equal(first, second);
        Assert.Single(await fixture.OutboxEventsAsync(dataset.Id), e => e.Type == "Platform.Contracts.DatasetCertified");
    }

    [Fact]
    public async Task ObjectionAfterTheNoticePeriodIsFailedPrecondition()
    {
        var dataset = await Submit(await Client.RegisterDatasetAsync(Datasets.ChestCt()));
        fixture.Time.Advance(NoticePeriod);

        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await Client.RaiseObjectionAsync(new RaiseObjectionRequest { Id = dataset.Id, Objector = "x", Reason = "late" }));
    }

    [Fact]
    public async Task RejectionUpholdsObjectionsAndEndsTheProcess()
    {
        var dataset = await Submit(await Client.RegisterDatasetAsync(Datasets.ChestCt()));
        await Client.RaiseObjectionAsync(new RaiseObjectionRequest { Id = dataset.Id, Objector = "x", Reason = "copyright" });

        var rejected = await Client.RejectDatasetAsync(new RejectDatasetRequest { Id = dataset.Id, Reason = "objection upheld" });

        Assert.Equal(CertificationStatus.Rejected, rejected.Status);
        Assert.Equal("objection upheld", rejected.RejectionReason);
        fixture.Time.Advance(NoticePeriod);
        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await Client.CertifyDatasetAsync(new CertifyDatasetRequest { Id = dataset.Id }));
    }

    [Fact]
    public async Task IllegalTransitionsAreFailedPrecondition()
    {
        var draft = await Client.RegisterDatasetAsync(Datasets.ChestCt());

        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await Client.CertifyDatasetAsync(new CertifyDatasetRequest { Id = draft.Id }));
        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await Client.RetireDatasetAsync(new RetireDatasetRequest { Id = draft.Id }));
        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await Client.RejectDatasetAsync(new RejectDatasetRequest { Id = draft.Id, Reason = "r" }));
        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await Client.RaiseObjectionAsync(new RaiseObjectionRequest { Id = draft.Id, Objector = "x", Reason = "y" }));

        await Submit(draft);
        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await Client.SubmitForCertificationAsync(new SubmitForCertificationRequest { Id = draft.Id }));

        var certified = await CertifyAsync(await Client.RegisterDatasetAsync(Datasets.Finance()));
        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await Client.RejectDatasetAsync(new RejectDatasetRequest { Id = certified.Id, Reason = "r" }));
        await Client.RetireDatasetAsync(new RetireDatasetRequest { Id = certified.Id });
        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await Client.RetireDatasetAsync(new RetireDatasetRequest { Id = certified.Id }));
    }

    [Fact]
    public async Task SubmittingWithoutDomainIsFailedPrecondition()
    {
        var draft = await Client.RegisterDatasetAsync(new RegisterDatasetRequest { Name = "未分类", VolumeBytes = 10 });

        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await Client.SubmitForCertificationAsync(new SubmitForCertificationRequest { Id = draft.Id }));
    }

    [Fact]
    public async Task TransitionsOfUnknownDatasetsAreNotFound()
    {
        var id = Guid.NewGuid().ToString();

        await GrpcAssert.FailsWith(StatusCode.NotFound, async () => await Client.SubmitForCertificationAsync(new SubmitForCertificationRequest { Id = id }));
        await GrpcAssert.FailsWith(StatusCode.NotFound, async () => await Client.CertifyDatasetAsync(new CertifyDatasetRequest { Id = id }));
        await GrpcAssert.FailsWith(StatusCode.NotFound, async () => await Client.RetireDatasetAsync(new RetireDatasetRequest { Id = id }));
        await GrpcAssert.FailsWith(StatusCode.NotFound, async () => await Client.RejectDatasetAsync(new RejectDatasetRequest { Id = id, Reason = "r" }));
        await GrpcAssert.FailsWith(StatusCode.NotFound, async () =>
            await Client.RaiseObjectionAsync(new RaiseObjectionRequest { Id = id, Objector = "x", Reason = "y" }));
    }

    private async Task<Dataset> Submit(Dataset dataset) =>
        await Client.SubmitForCertificationAsync(new SubmitForCertificationRequest { RequestId = Guid.NewGuid().ToString(), Id = dataset.Id });

    private async Task<Dataset> CertifyAsync(Dataset dataset)
    {
        await Submit(dataset);
        fixture.Time.Advance(NoticePeriod);
        return await Client.CertifyDatasetAsync(new CertifyDatasetRequest { Id = dataset.Id });
    }
}
