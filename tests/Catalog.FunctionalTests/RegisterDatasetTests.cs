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
        var registered = await fixture.Client.RegisterDatasetAsync(new RegisterDatasetRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Name = "胸部CT医学影像数据集",
            VolumeBytes = 5_000_000_000,
        });

        var read = await fixture.Client.GetDatasetAsync(new GetDatasetRequest { Id = registered.Id });

        Assert.Equal("胸部CT医学影像数据集", read.Name);
        Assert.Equal(5_000_000_000, read.VolumeBytes);
        Assert.Equal(CertificationStatus.Draft, read.Status);
    }

    [Fact]
    public async Task RetriedRegistrationReturnsTheSameDataset()
    {
        var request = new RegisterDatasetRequest { RequestId = Guid.NewGuid().ToString(), Name = "retry", VolumeBytes = 1 };

        var first = await fixture.Client.RegisterDatasetAsync(request);
        var second = await fixture.Client.RegisterDatasetAsync(request);

        Assert.Equal(first.Id, second.Id);
    }

    [Fact]
    public Task RegisterDatasetRejectsNegativeVolume() =>
        GrpcAssert.InvalidField("volume_bytes", async () =>
            await fixture.Client.RegisterDatasetAsync(new RegisterDatasetRequest { Name = "x", VolumeBytes = -1 }));

    [Fact]
    public Task GetDatasetOfUnknownIdIsNotFound() =>
        GrpcAssert.FailsWith(StatusCode.NotFound, async () =>
            await fixture.Client.GetDatasetAsync(new GetDatasetRequest { Id = Guid.NewGuid().ToString() }));
}
