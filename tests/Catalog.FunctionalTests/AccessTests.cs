using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Platform.Catalog.V1;
using Platform.Testing;

namespace Platform.Catalog.FunctionalTests;

/// <summary>Who may call what on the catalog: anonymous reads of certified data, providers on their own, certifiers.</summary>
[Collection(CatalogCollection.Name)]
public sealed class AccessTests(CatalogFixture fixture)
{
    private const string Huaxi = "四川大学华西医院";
    private const string OtherHospital = "北京协和医院";
    private static readonly TimeSpan NoticePeriod = TimeSpan.FromDays(3);

    private CatalogService.CatalogServiceClient Anonymous => fixture.ClientWith(null);

    private CatalogService.CatalogServiceClient ProviderOf(string organisation) =>
        fixture.ClientWith(TestTokens.Mint("provider-" + organisation.GetHashCode(), ["provider"], organisation: organisation));

    private CatalogService.CatalogServiceClient Certifier => fixture.ClientWith(TestTokens.Mint("certifier-1", ["certifier"]));

    [Fact]
    public async Task AnonymousRegistrationIsUnauthenticatedNamingTheRight()
    {
        var ex = await GrpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await Anonymous.RegisterDatasetAsync(Datasets.ChestCt()));
        Assert.Contains("'provider'", ex.Status.Detail);
    }

    [Fact]
    public async Task AnonymousCertificationOfAnUnknownIdIsUnauthenticatedNotNotFound()
    {
        var ex = await GrpcAssert.FailsWith(StatusCode.Unauthenticated, async () =>
            await Anonymous.CertifyDatasetAsync(new CertifyDatasetRequest { RequestId = "r", Id = Guid.NewGuid().ToString() }));
        Assert.Contains("'certifier'", ex.Status.Detail);
        await GrpcAssert.FailsWith(StatusCode.Unauthenticated, async () =>
            await Anonymous.RetireDatasetAsync(new RetireDatasetRequest { RequestId = "r", Id = Guid.NewGuid().ToString() }));
    }

    [Fact]
    public async Task AProviderCannotCertifyAndACertifierCannotRegister()
    {
        var registered = await ProviderOf(Huaxi).RegisterDatasetAsync(Datasets.ChestCt());

        var certify = await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () =>
            await ProviderOf(Huaxi).CertifyDatasetAsync(new CertifyDatasetRequest { RequestId = Guid.NewGuid().ToString(), Id = registered.Id }));
        Assert.Contains("'certifier'", certify.Status.Detail);
        var register = await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await Certifier.RegisterDatasetAsync(Datasets.ChestCt()));
        Assert.Contains("'provider'", register.Status.Detail);
    }

    [Fact]
    public async Task AProviderRegistersOnlyForItsOwnOrganisation()
    {
        var own = await ProviderOf(Huaxi).RegisterDatasetAsync(Datasets.ChestCt());
        Assert.Equal(Huaxi, own.Provider.Organisation);

        var ex = await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await ProviderOf(OtherHospital).RegisterDatasetAsync(Datasets.ChestCt()));
        Assert.Contains("'provider'", ex.Status.Detail);
        await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () =>
            await ProviderOf(OtherHospital).BatchRegisterDatasetsAsync(new BatchRegisterDatasetsRequest { Requests = { Datasets.ChestCt() } }));
        var noOrganisation = fixture.ClientWith(TestTokens.Mint("provider-without-organisation", ["provider"]));
        await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await noOrganisation.RegisterDatasetAsync(Datasets.ChestCt()));
    }

    [Fact]
    public async Task AProviderCannotUpdateOrSubmitAnotherProvidersDataset()
    {
        var dataset = await ProviderOf(Huaxi).RegisterDatasetAsync(Datasets.ChestCt());
        var other = ProviderOf(OtherHospital);

        var update = await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await other.UpdateDatasetAsync(new UpdateDatasetRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Dataset = new Dataset { Id = dataset.Id, Edition = "hijacked" },
            UpdateMask = FieldMask.FromString("edition"),
        }));
        Assert.Contains("'provider'", update.Status.Detail);
        await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () =>
            await other.SubmitForCertificationAsync(new SubmitForCertificationRequest { RequestId = Guid.NewGuid().ToString(), Id = dataset.Id }));
        await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () =>
            await other.BatchSubmitForCertificationAsync(new BatchSubmitForCertificationRequest
            {
                Requests = { new SubmitForCertificationRequest { RequestId = Guid.NewGuid().ToString(), Id = dataset.Id } },
            }));

        Assert.Equal("2025.06", (await fixture.Client.GetDatasetAsync(new GetDatasetRequest { Id = dataset.Id })).Edition);
    }

    [Fact]
    public async Task AProviderCannotGiveItsDatasetToAnotherOrganisation()
    {
        var dataset = await ProviderOf(Huaxi).RegisterDatasetAsync(Datasets.ChestCt());

        await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await ProviderOf(Huaxi).UpdateDatasetAsync(new UpdateDatasetRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Dataset = new Dataset { Id = dataset.Id, Provider = new Provider { Organisation = OtherHospital } },
            UpdateMask = FieldMask.FromString("provider.organisation"),
        }));
    }

    [Fact]
    public async Task AProviderUpdatesAndSubmitsItsOwnDataset()
    {
        var provider = ProviderOf(Huaxi);
        var dataset = await provider.RegisterDatasetAsync(Datasets.ChestCt());

        var updated = await provider.UpdateDatasetAsync(new UpdateDatasetRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Dataset = new Dataset { Id = dataset.Id, Edition = "2025.07" },
            UpdateMask = FieldMask.FromString("edition"),
        });
        var submitted = await provider.SubmitForCertificationAsync(new SubmitForCertificationRequest { RequestId = Guid.NewGuid().ToString(), Id = dataset.Id });

        Assert.Equal("2025.07", updated.Edition);
        Assert.Equal(CertificationStatus.PublicNotice, submitted.Status);
    }

    [Fact]
    public async Task DraftsAreVisibleOnlyToTheirProviderAndCertifiersWhileCertifiedDatasetsArePublic()
    {
        var draft = await ProviderOf(Huaxi).RegisterDatasetAsync(Datasets.ChestCt());
        var certified = await CertifiedAsync();

        Assert.Equal(draft.Id, (await ProviderOf(Huaxi).GetDatasetAsync(new GetDatasetRequest { Id = draft.Id })).Id);
        Assert.Equal(draft.Id, (await Certifier.GetDatasetAsync(new GetDatasetRequest { Id = draft.Id })).Id);
        Assert.Equal(certified.Id, (await Anonymous.GetDatasetAsync(new GetDatasetRequest { Id = certified.Id })).Id);
        // Hidden as if unknown: a draft's existence does not leak.
        await GrpcAssert.FailsWith(StatusCode.NotFound, async () => await Anonymous.GetDatasetAsync(new GetDatasetRequest { Id = draft.Id }));
        await GrpcAssert.FailsWith(StatusCode.NotFound, async () => await ProviderOf(OtherHospital).GetDatasetAsync(new GetDatasetRequest { Id = draft.Id }));
        await GrpcAssert.FailsWith(StatusCode.NotFound, async () =>
            await Anonymous.BatchGetDatasetsAsync(new BatchGetDatasetsRequest { Ids = { certified.Id, draft.Id } }));
        Assert.Single((await Anonymous.BatchGetDatasetsAsync(new BatchGetDatasetsRequest { Ids = { certified.Id } })).Datasets);
    }

    [Fact]
    public async Task AnonymousListsAndSearchesCoverCertifiedDatasetsOnly()
    {
        await ProviderOf(Huaxi).RegisterDatasetAsync(Datasets.ChestCt());
        await CertifiedAsync();

        var listed = await Anonymous.ListDatasetsAsync(new ListDatasetsRequest { PageSize = 1000 });
        var searched = await Anonymous.SearchDatasetsAsync(new SearchDatasetsRequest { Query = "CT", PageSize = 1000 });

        Assert.NotEmpty(listed.Datasets);
        Assert.All(listed.Datasets, d => Assert.Equal(CertificationStatus.Certified, d.Status));
        Assert.All(searched.Datasets, d => Assert.Equal(CertificationStatus.Certified, d.Status));
        var ex = await GrpcAssert.FailsWith(StatusCode.Unauthenticated, async () =>
            await Anonymous.ListDatasetsAsync(new ListDatasetsRequest { Filter = new DatasetFilter { Statuses = { CertificationStatus.Draft } } }));
        Assert.Contains("'certifier'", ex.Status.Detail);
        var noOrganisation = fixture.ClientWith(TestTokens.Mint("provider-without-organisation", ["provider"]));
        await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () =>
            await noOrganisation.SearchDatasetsAsync(new SearchDatasetsRequest { Filter = new DatasetFilter { Statuses = { CertificationStatus.Draft } } }));
        Assert.NotEmpty((await Anonymous.ListAnnotationBasesAsync(new ListAnnotationBasesRequest())).AnnotationBases);
        Assert.True((await Anonymous.GetCatalogStatsAsync(new GetCatalogStatsRequest())).DatasetCount > 0);
    }

    [Fact]
    public async Task AProviderListsAndSearchesItsOwnDraftsOnly()
    {
        var marker = "own" + Guid.NewGuid().ToString("N")[..8];
        var own = await ProviderOf(Huaxi).RegisterDatasetAsync(Datasets.ChestCt(marker));
        var others = await ProviderOf(OtherHospital).RegisterDatasetAsync(Datasets.ChestCt(marker) is var r ? WithOrganisation(r, OtherHospital) : null);
        var drafts = new DatasetFilter { Statuses = { CertificationStatus.Draft } };

        var listed = await ProviderOf(Huaxi).ListDatasetsAsync(new ListDatasetsRequest { Filter = drafts, PageSize = 50 });
        var searched = await ProviderOf(Huaxi).SearchDatasetsAsync(new SearchDatasetsRequest { Query = marker, Filter = drafts });
        var othersSearch = await ProviderOf(OtherHospital).SearchDatasetsAsync(new SearchDatasetsRequest { Query = marker, Filter = drafts });

        Assert.Contains(listed.Datasets, d => d.Id == own.Id);
        Assert.All(listed.Datasets, d => Assert.Equal((Huaxi, CertificationStatus.Draft), (d.Provider.Organisation, d.Status)));
        Assert.Equal([own.Id], searched.Datasets.Select(d => d.Id));
        Assert.Equal(1, searched.TotalSize);
        Assert.Equal([others.Id], othersSearch.Datasets.Select(d => d.Id));

        // Its own certified datasets and drafts together, with facets over exactly those.
        var all = await ProviderOf(Huaxi).SearchDatasetsAsync(new SearchDatasetsRequest
        {
            Query = marker, Filter = new DatasetFilter { Statuses = { CertificationStatus.Draft, CertificationStatus.Certified } },
        });
        Assert.Equal(1, all.Facets.Single(f => f.Field == "status").Values.Single().Count);
    }

    private static RegisterDatasetRequest WithOrganisation(RegisterDatasetRequest request, string organisation)
    {
        request.Provider.Organisation = organisation;
        return request;
    }

    [Fact]
    public async Task ObjectionsNeedAKnownCallerAndCertifiersCertify()
    {
        var dataset = await ProviderOf(Huaxi).RegisterDatasetAsync(Datasets.ChestCt());
        await ProviderOf(Huaxi).SubmitForCertificationAsync(new SubmitForCertificationRequest { RequestId = Guid.NewGuid().ToString(), Id = dataset.Id });

        await GrpcAssert.FailsWith(StatusCode.Unauthenticated, async () =>
            await Anonymous.RaiseObjectionAsync(new RaiseObjectionRequest { RequestId = "o", Id = dataset.Id, Objector = "x", Reason = "y" }));
        var objection = await ProviderOf(OtherHospital).RaiseObjectionAsync(
            new RaiseObjectionRequest { RequestId = Guid.NewGuid().ToString(), Id = dataset.Id, Objector = OtherHospital, Reason = "重复数据" });
        fixture.Time.Advance(NoticePeriod);
        var certified = await Certifier.CertifyDatasetAsync(new CertifyDatasetRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Id = dataset.Id,
            DismissedObjectionIds = { objection.Id },
        });

        Assert.Equal(CertificationStatus.Certified, certified.Status);
    }

    [Fact]
    public async Task ExpiredForgedAndForeignAudienceTokensAreUnauthenticated()
    {
        foreach (var token in new[]
        {
            TestTokens.Mint("admin-expired", ["admin"], lifetime: TimeSpan.FromMinutes(-5)),
            TestTokens.Mint("admin-forged", ["admin"], sign: false),
            TestTokens.Mint("admin-elsewhere", ["admin"], audience: "another-platform"),
            "not-a-jwt",
        })
        {
            var ex = await GrpcAssert.FailsWith(StatusCode.Unauthenticated, async () =>
                await fixture.ClientWith(token).RegisterDatasetAsync(Datasets.ChestCt()));
            Assert.Contains("invalid or expired", ex.Status.Detail);
        }
    }

    private async Task<Dataset> CertifiedAsync()
    {
        var dataset = await fixture.Client.RegisterDatasetAsync(Datasets.ChestCt());
        await fixture.Client.SubmitForCertificationAsync(new SubmitForCertificationRequest { RequestId = Guid.NewGuid().ToString(), Id = dataset.Id });
        fixture.Time.Advance(NoticePeriod);
        return await fixture.Client.CertifyDatasetAsync(new CertifyDatasetRequest { RequestId = Guid.NewGuid().ToString(), Id = dataset.Id });
    }
}
