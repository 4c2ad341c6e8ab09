using Grpc.Core;
using Platform.Catalog.V1;
using Platform.Infrastructure.Grpc;
using Platform.Testing;

namespace Platform.Catalog.FunctionalTests;

/// <summary>
/// Quantities have bounds, and totals over them are exact: datasets at the largest volume, enough of them that an
/// int64 sum overflows, leave every read answering OK with the exact total (the int64 fields saturated).
/// </summary>
[Collection(CatalogCollection.Name)]
public sealed class ExactTotalsTests(CatalogFixture fixture)
{
    private const int Count = 12;

    private CatalogService.CatalogServiceClient Client => fixture.Client;

    [Theory]
    [InlineData("volume_bytes")]
    [InlineData("record_count")]
    [InlineData("token_count")]
    public async Task AQuantityAboveItsBoundIsInvalid(string field)
    {
        var request = Datasets.ChestCt();
        switch (field)
        {
            case "volume_bytes": request.VolumeBytes = Quantities.MaxVolumeBytes + 1; break;
            case "record_count": request.RecordCount = long.MaxValue; break;
            default: request.TokenCount = Quantities.MaxTokens + 1; break;
        }

        await GrpcAssert.InvalidField(field, async () => await Client.RegisterDatasetAsync(request));
    }

    [Fact]
    public async Task DatasetsWhoseVolumesOverflowInt64AreCountedExactlyByEveryRead()
    {
        var before = await Client.GetCatalogStatsAsync(new GetCatalogStatsRequest());
        var basesBefore = await Client.ListAnnotationBasesAsync(new ListAnnotationBasesRequest());

        var registered = await Client.BatchRegisterDatasetsAsync(new BatchRegisterDatasetsRequest
        {
            Requests =
            {
                Enumerable.Range(0, Count).Select(_ =>
                {
                    var request = Datasets.ChestCt("exabyte");
                    request.VolumeBytes = Quantities.MaxVolumeBytes;
                    request.RecordCount = Quantities.MaxRecordCount;
                    request.TokenCount = Quantities.MaxTokens;
                    return request;
                }),
            },
        });
        var drafts = await Client.GetCatalogStatsAsync(new GetCatalogStatsRequest());
        await Client.BatchSubmitForCertificationAsync(new BatchSubmitForCertificationRequest
        {
            Requests = { registered.Datasets.Select(d => new SubmitForCertificationRequest { RequestId = Guid.NewGuid().ToString(), Id = d.Id }) },
        });
        fixture.Time.Advance(TimeSpan.FromDays(3));
        await Client.BatchCertifyDatasetsAsync(new BatchCertifyDatasetsRequest
        {
            Requests = { registered.Datasets.Select(d => new CertifyDatasetRequest { RequestId = Guid.NewGuid().ToString(), Id = d.Id }) },
        });

        var added = Count * (decimal)Quantities.MaxVolumeBytes;
        Assert.True(added > long.MaxValue);
        var after = await Client.GetCatalogStatsAsync(new GetCatalogStatsRequest());
        Assert.Equal(Totals.Parse(before.VolumeBytesExact) + added, Totals.Parse(drafts.VolumeBytesExact));
        Assert.Equal(Totals.Parse(before.VolumeBytesExact) + added, Totals.Parse(after.VolumeBytesExact));
        Assert.Equal(Totals.Parse(before.CertifiedVolumeBytesExact) + added, Totals.Parse(after.CertifiedVolumeBytesExact));
        Assert.Equal((long.MaxValue, long.MaxValue), (after.VolumeBytes, after.CertifiedVolumeBytes));
        Assert.Equal(before.CertifiedDatasetCount + Count, after.CertifiedDatasetCount);
        var healthcare = after.ByDomain.Single(b => b.Key == "healthcare");
        Assert.True(Totals.Parse(healthcare.VolumeBytesExact) >= added);
        Assert.Equal(Totals.Saturated(Totals.Parse(healthcare.VolumeBytesExact)), healthcare.VolumeBytes);

        var chengdu = (await Client.ListAnnotationBasesAsync(new ListAnnotationBasesRequest())).AnnotationBases.Single(b => b.Code == "chengdu");
        var chengduBefore = basesBefore.AnnotationBases.Single(b => b.Code == "chengdu");
        Assert.Equal(Totals.Parse(chengduBefore.VolumeBytesExact) + added, Totals.Parse(chengdu.VolumeBytesExact));
        Assert.Equal(long.MaxValue, chengdu.VolumeBytes);

        var search = await Client.SearchDatasetsAsync(new SearchDatasetsRequest { Query = "exabyte" });
        Assert.True(search.TotalSize >= Count);
        var dataset = await Client.GetDatasetAsync(new GetDatasetRequest { Id = registered.Datasets[0].Id });
        Assert.Equal((CertificationStatus.Certified, Quantities.MaxVolumeBytes), (dataset.Status, dataset.VolumeBytes));
    }
}
