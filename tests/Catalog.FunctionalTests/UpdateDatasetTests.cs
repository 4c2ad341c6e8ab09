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
            Dataset = new Dataset { Id = registered.Id, VolumeBytes = 7_000_000_000, Name = "ignored", Provider = new Provider { Province = "四川" } },
            UpdateMask = FieldMask.FromString("volume_bytes,provider.province"),
            ExpectedVersion = registered.Version,
        });

        Assert.Equal(7_000_000_000, updated.VolumeBytes);
        Assert.Equal(registered.Name, updated.Name);
        Assert.Equal("sichuan", updated.Provider.Province);
        Assert.Equal(registered.Provider.Organisation, updated.Provider.Organisation);
        Assert.Equal(registered.Version + 1, updated.Version);
        Assert.Equal(updated, await fixture.Client.GetDatasetAsync(new GetDatasetRequest { Id = registered.Id }));
        var events = await fixture.OutboxEventsAsync(registered.Id);
        Assert.Contains(events, e => e.Type == "Platform.Contracts.DatasetUpdated" && e.Payload.Contains("7000000000"));
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
    public async Task UpdateThatBreaksTheShareSumIsInvalid()
    {
        var registered = await fixture.Client.RegisterDatasetAsync(Datasets.ChestCt());

        await GrpcAssert.InvalidField("dataset.language_shares", async () =>
            await fixture.Client.UpdateDatasetAsync(new UpdateDatasetRequest
            {
                Dataset = new Dataset { Id = registered.Id, LanguageShares = { new LanguageShare { Code = "zh", BasisPoints = 9_000 } } },
                UpdateMask = FieldMask.FromString("language_shares"),
            }));
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
