using Grpc.Core;
using Platform.Catalog.V1;
using Platform.Testing;

namespace Platform.Catalog.FunctionalTests;

[Collection(CatalogCollection.Name)]
public sealed class RegisterDatasetTests(CatalogFixture fixture)
{
    [Fact]
    public async Task RegisteredDatasetCanBeReadBack()
    {
        var registered = await fixture.Client.RegisterDatasetAsync(Datasets.ChestCt());

        var read = await fixture.Client.GetDatasetAsync(new GetDatasetRequest { Id = registered.Id });

        Assert.Equal("胸部CT医学影像数据集", read.Name);
        Assert.Equal(5_000_000_000, read.VolumeBytes);
        Assert.Equal(CertificationStatus.Draft, read.Status);
        Assert.Equal(Domain.Healthcare, read.Domain);
        Assert.Equal("chengdu", read.Annotation.BaseCode);
        Assert.Equal(["zh", "en"], read.LanguageShares.Select(s => s.Code));
        Assert.Equal(1, read.Version);
        Assert.Equal(registered, read);
    }

    [Fact]
    public async Task MinimalRegistrationWithTheOriginalThreeFieldsIsAccepted()
    {
        var registered = await fixture.Client.RegisterDatasetAsync(new RegisterDatasetRequest { RequestId = Guid.NewGuid().ToString(), Name = "最小数据集", VolumeBytes = 1 });

        Assert.Equal(CertificationStatus.Draft, registered.Status);
    }

    [Fact]
    public async Task LanguageCodesAreStoredInCanonicalCase()
    {
        var request = Datasets.ChestCt();
        request.LanguageShares[0].Code = "ZH-hans-cn";

        var registered = await fixture.Client.RegisterDatasetAsync(request);

        Assert.Equal("zh-Hans-CN", registered.LanguageShares[0].Code);
    }

    [Fact]
    public async Task RetriedRegistrationReturnsTheSameDatasetAndOneEvent()
    {
        var request = Datasets.ChestCt();

        var first = await fixture.Client.RegisterDatasetAsync(request);
        var second = await fixture.Client.RegisterDatasetAsync(request);

        Assert.Equal(first, second);
        var events = await fixture.OutboxEventsAsync(first.Id);
        Assert.Single(events, e => e.Type == "Platform.Contracts.DatasetRegistered");
    }

    [Fact]
    public async Task ConcurrentRetriesOfOneRegistrationCreateOneDataset()
    {
        var request = Datasets.Finance();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => fixture.Client.RegisterDatasetAsync(request).ResponseAsync));

        Assert.Single(results.Select(r => r.Id).Distinct());
    }

    [Fact]
    public async Task RegistrationEventCarriesLowerSnakeCaseDomainAndModality()
    {
        var request = Datasets.ChestCt();
        request.Modality = Modality.TimeSeries;

        var registered = await fixture.Client.RegisterDatasetAsync(request);

        var (type, payload) = Assert.Single(await fixture.OutboxEventsAsync(registered.Id));
        Assert.Equal("Platform.Contracts.DatasetRegistered", type);
        Assert.Contains("\"domain\": \"healthcare\"", payload);
        Assert.Contains("\"modality\": \"time_series\"", payload);
        Assert.Contains("\"annotationBaseCode\": \"chengdu\"", payload);
    }

    [Fact]
    public Task GetDatasetOfUnknownIdIsNotFound() =>
        GrpcAssert.FailsWith(StatusCode.NotFound, async () =>
            await fixture.Client.GetDatasetAsync(new GetDatasetRequest { Id = Guid.NewGuid().ToString() }));

    [Fact]
    public async Task BatchGetReturnsDatasetsInRequestOrder()
    {
        var a = await fixture.Client.RegisterDatasetAsync(Datasets.ChestCt());
        var b = await fixture.Client.RegisterDatasetAsync(Datasets.Finance());

        var batch = await fixture.Client.BatchGetDatasetsAsync(new BatchGetDatasetsRequest { Ids = { b.Id, a.Id, b.Id } });

        Assert.Equal([b.Id, a.Id, b.Id], batch.Datasets.Select(d => d.Id));
    }

    [Fact]
    public async Task BatchGetWithAnUnknownIdIsNotFound()
    {
        var a = await fixture.Client.RegisterDatasetAsync(Datasets.ChestCt());

        var unknown = Guid.NewGuid().ToString();

        var error = await GrpcAssert.FailsWith(StatusCode.NotFound, async () =>
            await fixture.Client.BatchGetDatasetsAsync(new BatchGetDatasetsRequest { Ids = { a.Id, unknown } }));
        var resource = error.GetRpcStatus()!.GetDetail<Google.Rpc.ResourceInfo>();
        Assert.Equal(("Dataset", unknown), (resource.ResourceType, resource.ResourceName));
    }
}
