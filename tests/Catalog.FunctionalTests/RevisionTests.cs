using Grpc.Core;
using Platform.Catalog.V1;
using Platform.Testing;

namespace Platform.Catalog.FunctionalTests;

/// <summary>
/// Revisions of a dataset's content: a draft is what its latest revision says; a certified dataset keeps its certified
/// revision's content (what the figures count) until a newer revision is certified.
/// </summary>
[Collection(CatalogCollection.Name)]
public sealed class RevisionTests(CatalogFixture fixture)
{
    private const string Huaxi = "四川大学华西医院";

    private static readonly TimeSpan NoticePeriod = TimeSpan.FromDays(3);

    private CatalogService.CatalogServiceClient Client => fixture.Client;

    private static string NewId() => Guid.NewGuid().ToString();

    private static CreateDatasetRevisionRequest Revision(string datasetId, long volumeBytes, string note = "新增2万例增强扫描") => new()
    {
        RequestId = NewId(),
        DatasetId = datasetId,
        VolumeBytes = volumeBytes,
        RecordCount = 140_000,
        TokenCount = 0,
        LanguageShares = { new LanguageShare { Code = "zh", BasisPoints = 7_000 }, new LanguageShare { Code = "en", BasisPoints = 3_000 } },
        Note = note,
    };

    private async Task<Dataset> CertifiedChestCtAsync()
    {
        var dataset = await Client.RegisterDatasetAsync(Datasets.ChestCt());
        await Client.SubmitForCertificationAsync(new SubmitForCertificationRequest { RequestId = NewId(), Id = dataset.Id });
        fixture.Time.Advance(NoticePeriod);
        return await Client.CertifyDatasetAsync(new CertifyDatasetRequest { RequestId = NewId(), Id = dataset.Id });
    }

    private async Task<List<DatasetRevision>> RevisionsAsync(string datasetId) =>
        [.. (await Client.ListDatasetRevisionsAsync(new ListDatasetRevisionsRequest { DatasetId = datasetId })).Revisions];

    [Fact]
    public async Task RegistrationIsRevisionOneAndADraftIsWhatItsLatestRevisionSays()
    {
        var registration = Datasets.ChestCt();
        var registered = await Client.RegisterDatasetAsync(registration);
        Assert.Equal((1, 1), (registered.Revision, registered.LatestRevision));

        var request = Revision(registered.Id, 6_000_000_000);
        var revision = await Client.CreateDatasetRevisionAsync(request);

        Assert.Equal((registered.Id, 2, 6_000_000_000L, 140_000L, request.Note), (revision.DatasetId, revision.Revision, revision.VolumeBytes, revision.RecordCount, revision.Note));
        Assert.Null(revision.CertifiedAt);
        var dataset = await Client.GetDatasetAsync(new GetDatasetRequest { Id = registered.Id });
        Assert.Equal((2, 2, 6_000_000_000L, 140_000L), (dataset.Revision, dataset.LatestRevision, dataset.VolumeBytes, dataset.RecordCount));
        Assert.Equal(request.LanguageShares, dataset.LanguageShares);
        Assert.Equal(registered.Version + 1, dataset.Version);

        var revisions = await RevisionsAsync(registered.Id);
        Assert.Equal([2, 1], revisions.Select(r => r.Revision));
        Assert.Equal((registration.VolumeBytes, registration.RecordCount, ""), (revisions[1].VolumeBytes, revisions[1].RecordCount, revisions[1].Note));
        Assert.Equal(registration.LanguageShares, revisions[1].LanguageShares);
        Assert.Equal(revision, revisions[0]);

        var events = await fixture.OutboxEventsAsync(registered.Id);
        Assert.Contains(events, e => e.Type == "Platform.Contracts.DatasetUpdated" && e.Payload.Contains("\"volumeBytes\": 6000000000"));
    }

    [Fact]
    public async Task ACertifiedDatasetCountsItsCertifiedRevisionUntilANewerOneIsCertified()
    {
        var certified = await CertifiedChestCtAsync();
        Assert.NotNull((await RevisionsAsync(certified.Id)).Single().CertifiedAt);

        await Client.CreateDatasetRevisionAsync(Revision(certified.Id, 9_000_000_000));

        var pending = await Client.GetDatasetAsync(new GetDatasetRequest { Id = certified.Id });
        Assert.Equal((1, 2, certified.VolumeBytes), (pending.Revision, pending.LatestRevision, pending.VolumeBytes));
        Assert.Equal(CertificationStatus.Certified, pending.Status);
        Assert.DoesNotContain(await fixture.OutboxEventsAsync(certified.Id), e => e.Payload.Contains("9000000000"));

        var request = new CertifyDatasetRevisionRequest { RequestId = NewId(), DatasetId = certified.Id, Revision = 2 };
        var recertified = await Client.CertifyDatasetRevisionAsync(request);

        Assert.Equal((2, 2, 9_000_000_000L, 140_000L), (recertified.Revision, recertified.LatestRevision, recertified.VolumeBytes, recertified.RecordCount));
        Assert.Equal((certified.CertificateNumber, certified.CertifiedAt), (recertified.CertificateNumber, recertified.CertifiedAt));
        Assert.Equal(recertified, await Client.CertifyDatasetRevisionAsync(request));
        var revisions = await RevisionsAsync(certified.Id);
        Assert.All(revisions, r => Assert.NotNull(r.CertifiedAt));
        var certifications = (await fixture.OutboxEventsAsync(certified.Id)).Where(e => e.Type == "Platform.Contracts.DatasetCertified").ToList();
        Assert.Equal(2, certifications.Count);
        Assert.Contains("\"revision\": 1", certifications[0].Payload);
        Assert.Contains("\"revision\": 2", certifications[1].Payload);
        Assert.Contains("\"volumeBytes\": 9000000000", certifications[1].Payload);

        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await Client.CertifyDatasetRevisionAsync(new CertifyDatasetRevisionRequest { RequestId = NewId(), DatasetId = certified.Id, Revision = 2 }));
        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await Client.CertifyDatasetRevisionAsync(new CertifyDatasetRevisionRequest { RequestId = NewId(), DatasetId = certified.Id, Revision = 1 }));
        await GrpcAssert.FailsWith(StatusCode.NotFound, async () =>
            await Client.CertifyDatasetRevisionAsync(new CertifyDatasetRevisionRequest { RequestId = NewId(), DatasetId = certified.Id, Revision = 3 }));
    }

    [Fact]
    public async Task ADatasetUnderReviewOrFinalTakesNoRevision()
    {
        var dataset = await Client.RegisterDatasetAsync(Datasets.ChestCt());
        await Client.SubmitForCertificationAsync(new SubmitForCertificationRequest { RequestId = NewId(), Id = dataset.Id });

        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await Client.CreateDatasetRevisionAsync(Revision(dataset.Id, 6_000_000_000)));
        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await Client.CertifyDatasetRevisionAsync(new CertifyDatasetRevisionRequest { RequestId = NewId(), DatasetId = dataset.Id, Revision = 1 }));

        var retired = await CertifiedChestCtAsync();
        await Client.RetireDatasetAsync(new RetireDatasetRequest { RequestId = NewId(), Id = retired.Id, Reason = "superseded" });
        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await Client.CreateDatasetRevisionAsync(Revision(retired.Id, 6_000_000_000)));
        Assert.Single(await RevisionsAsync(retired.Id));
    }

    [Fact]
    public async Task InvalidRevisionsNameTheirFields()
    {
        var dataset = await Client.RegisterDatasetAsync(Datasets.ChestCt());

        await GrpcAssert.InvalidField("volume_bytes", async () => await Client.CreateDatasetRevisionAsync(Revision(dataset.Id, 0)));
        await GrpcAssert.InvalidField("volume_bytes", async () => await Client.CreateDatasetRevisionAsync(Revision(dataset.Id, 1_000_000_000_000_000_001)));
        await GrpcAssert.InvalidField("note", async () => await Client.CreateDatasetRevisionAsync(Revision(dataset.Id, 6_000_000_000, note: "  ")));
        var shares = Revision(dataset.Id, 6_000_000_000);
        shares.LanguageShares[0].BasisPoints = 6_000;
        await GrpcAssert.InvalidField("language_shares", async () => await Client.CreateDatasetRevisionAsync(shares));
        await GrpcAssert.InvalidField("dataset_id", async () => await Client.CreateDatasetRevisionAsync(Revision("not-an-id", 6_000_000_000)));
        await GrpcAssert.InvalidField("revision", async () =>
            await Client.CertifyDatasetRevisionAsync(new CertifyDatasetRevisionRequest { DatasetId = dataset.Id, Revision = 0 }));
        await GrpcAssert.FailsWith(StatusCode.NotFound, async () => await Client.CreateDatasetRevisionAsync(Revision(NewId(), 6_000_000_000)));
        await GrpcAssert.FailsWith(StatusCode.NotFound, async () =>
            await Client.ListDatasetRevisionsAsync(new ListDatasetRevisionsRequest { DatasetId = NewId() }));
        var stale = Revision(dataset.Id, 6_000_000_000);
        stale.ExpectedVersion = dataset.Version + 5;
        await GrpcAssert.FailsWith(StatusCode.Aborted, async () => await Client.CreateDatasetRevisionAsync(stale));
        Assert.Single(await RevisionsAsync(dataset.Id));
    }

    [Fact]
    public async Task ARevisionIsTheProvidersWithOneAnswerPerRequestIdAndCertifiedByACertifier()
    {
        var provider = fixture.ClientWith(TestTokens.Mint("revision-provider", ["provider"], organisation: Huaxi));
        var other = fixture.ClientWith(TestTokens.Mint("revision-other", ["provider"], organisation: "另一家医院"));
        var dataset = await provider.RegisterDatasetAsync(Datasets.ChestCt());

        await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await other.CreateDatasetRevisionAsync(Revision(dataset.Id, 6_000_000_000)));
        var request = Revision(dataset.Id, 6_000_000_000);
        var first = await provider.CreateDatasetRevisionAsync(request);
        Assert.Equal(first, await provider.CreateDatasetRevisionAsync(request));
        request.VolumeBytes = 7_000_000_000;
        await GrpcAssert.FailsWith(StatusCode.AlreadyExists, async () => await provider.CreateDatasetRevisionAsync(request));
        Assert.Equal([2, 1], (await RevisionsAsync(dataset.Id)).Select(r => r.Revision));
        await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () =>
            await provider.CertifyDatasetRevisionAsync(new CertifyDatasetRevisionRequest { RequestId = NewId(), DatasetId = dataset.Id, Revision = 2 }));
        // A draft's revisions are as hidden as the draft.
        await GrpcAssert.FailsWith(StatusCode.NotFound, async () =>
            await other.ListDatasetRevisionsAsync(new ListDatasetRevisionsRequest { DatasetId = dataset.Id }));
    }

    [Fact]
    public async Task RevisionsArePagedNewestFirst()
    {
        var dataset = await Client.RegisterDatasetAsync(Datasets.ChestCt());
        for (var volume = 6_000_000_000L; volume <= 8_000_000_000L; volume += 1_000_000_000L)
        {
            await Client.CreateDatasetRevisionAsync(Revision(dataset.Id, volume));
        }

        var first = await Client.ListDatasetRevisionsAsync(new ListDatasetRevisionsRequest { DatasetId = dataset.Id, PageSize = 3 });
        var second = await Client.ListDatasetRevisionsAsync(new ListDatasetRevisionsRequest { DatasetId = dataset.Id, PageSize = 3, PageToken = first.NextPageToken });

        Assert.Equal([4, 3, 2], first.Revisions.Select(r => r.Revision));
        Assert.Equal([1], second.Revisions.Select(r => r.Revision));
        Assert.Empty(second.NextPageToken);
        await GrpcAssert.InvalidField("page_token", async () =>
            await Client.ListDatasetRevisionsAsync(new ListDatasetRevisionsRequest { DatasetId = NewId(), PageToken = first.NextPageToken }));
    }
}
