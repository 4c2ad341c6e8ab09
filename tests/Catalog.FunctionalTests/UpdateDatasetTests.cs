using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Platform.Catalog.V1;
using Platform.Testing;

namespace Platform.Catalog.FunctionalTests;

[Collection(CatalogCollection.Name)]
public sealed class UpdateDatasetTests(CatalogFixture fixture)
{
    [Fact]
    public async Task UpdateChangesOnlyMaskedFieldsAndBumpsTheVersion()
    {
        var registered = await fixture.Client.RegisterDatasetAsync(Datasets.ChestCt());

        var updated = await fixture.Client.UpdateDatasetAsync(new UpdateDatasetRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Dataset = new Dataset { Id = registered.Id, Edition = "2025.07", Name = "ignored", Provider = new Provider { Province = "四川" } },
            UpdateMask = FieldMask.FromString("edition,provider.province"),
            ExpectedVersion = registered.Version,
        });

        Assert.Equal("2025.07", updated.Edition);
        Assert.Equal(registered.Name, updated.Name);
        Assert.Equal("sichuan", updated.Provider.Province);
        Assert.Equal(registered.Provider.Organisation, updated.Provider.Organisation);
        Assert.Equal(registered.Version + 1, updated.Version);
        Assert.Equal(updated, await fixture.Client.GetDatasetAsync(new GetDatasetRequest { Id = registered.Id }));
        var events = await fixture.OutboxEventsAsync(registered.Id);
        Assert.Contains(events, e => e.Type == "Platform.Contracts.DatasetUpdated" && e.Payload.Contains("\"province\": \"sichuan\""));
    }

    [Theory]
    [InlineData("volume_bytes")]
    [InlineData("record_count")]
    [InlineData("token_count")]
    [InlineData("language_shares")]
    public async Task ContentChangesOnlyByARevision(string path)
    {
        var registered = await fixture.Client.RegisterDatasetAsync(Datasets.ChestCt());

        var badRequest = await GrpcAssert.InvalidField("update_mask", async () =>
            await fixture.Client.UpdateDatasetAsync(new UpdateDatasetRequest
            {
                Dataset = new Dataset { Id = registered.Id, VolumeBytes = 7_000_000_000 },
                UpdateMask = FieldMask.FromString(path),
            }));
        Assert.Contains("CreateDatasetRevision", badRequest.FieldViolations.Single(v => v.Field == "update_mask").Description);
    }

    [Fact]
    public async Task StaleVersionIsAborted()
    {
        var registered = await fixture.Client.RegisterDatasetAsync(Datasets.ChestCt());
        var mask = FieldMask.FromString("edition");
        await fixture.Client.UpdateDatasetAsync(new UpdateDatasetRequest { Dataset = new Dataset { Id = registered.Id, Edition = "v2" }, UpdateMask = mask, ExpectedVersion = 1 });

        await GrpcAssert.FailsWith(StatusCode.Aborted, async () =>
            await fixture.Client.UpdateDatasetAsync(new UpdateDatasetRequest { Dataset = new Dataset { Id = registered.Id, Edition = "v3" }, UpdateMask = mask, ExpectedVersion = 1 }));
    }

    [Fact]
    public async Task UpdateMaskWithAReadOnlyPathIsInvalid()
    {
        var registered = await fixture.Client.RegisterDatasetAsync(Datasets.ChestCt());

        await GrpcAssert.InvalidField("update_mask", async () =>
            await fixture.Client.UpdateDatasetAsync(new UpdateDatasetRequest { Dataset = new Dataset { Id = registered.Id }, UpdateMask = FieldMask.FromString("status") }));
    }

    [Fact]
    public Task UpdateOfAnUnknownDatasetIsNotFound() =>
        GrpcAssert.FailsWith(StatusCode.NotFound, async () =>
            await fixture.Client.UpdateDatasetAsync(new UpdateDatasetRequest
            {
                Dataset = new Dataset { Id = Guid.NewGuid().ToString(), Edition = "x" },
                UpdateMask = FieldMask.FromString("edition"),
            }));
}
