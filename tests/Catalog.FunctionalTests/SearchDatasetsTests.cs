using Grpc.Core;
using Platform.Catalog.V1;
using Platform.Infrastructure.Grpc;
using Platform.Testing;

namespace Platform.Catalog.FunctionalTests;

[Collection(CatalogCollection.Name)]
public sealed class SearchDatasetsTests(CatalogFixture fixture)
{
    private CatalogService.CatalogServiceClient Client => fixture.Client;

    /// <summary>A keyword unique to one test, so its datasets can be searched apart from the others in the database.</summary>
    private static string Marker() => "m" + Guid.NewGuid().ToString("N")[..10];

    [Theory]
    [InlineData("医学影像")]
    [InlineData("影像")]
    [InlineData("胸")]
    [InlineData("RADIOLOGY")]
    [InlineData("chest ct")]
    [InlineData("放射科专家")]
    public async Task KeywordSearchFindsChineseAndEnglishWords(string query)
    {
        var marker = Marker();
        var registered = await Client.RegisterDatasetAsync(Datasets.ChestCt(marker));
        await Client.RegisterDatasetAsync(Datasets.Finance(marker));

        var result = await Client.SearchDatasetsAsync(new SearchDatasetsRequest { Query = $"{query} {marker}" });

        Assert.Equal([registered.Id], result.Datasets.Select(d => d.Id));
        Assert.Equal(1, result.TotalSize);
    }

    [Fact]
    public async Task SearchForMedicalImagingFindsTheChestCtDataset()
    {
        var registered = await Client.RegisterDatasetAsync(Datasets.ChestCt());

        var result = await Client.SearchDatasetsAsync(new SearchDatasetsRequest { Query = "医学影像", PageSize = 1000 });

        Assert.Contains(result.Datasets, d => d.Id == registered.Id);
        Assert.All(result.Datasets, d => Assert.Contains("医学影像", d.Name + string.Join(' ', d.Keywords)));
    }

    [Fact]
    public async Task FacetsAreCountedOverTheFilteredSet()
    {
        var marker = Marker();
        var unannotated = Datasets.ChestCt(marker);
        unannotated.Annotation = null;
        await Client.RegisterDatasetAsync(Datasets.ChestCt(marker));
        await Client.RegisterDatasetAsync(unannotated);
        await Client.RegisterDatasetAsync(Datasets.Finance(marker));

        var result = await Client.SearchDatasetsAsync(new SearchDatasetsRequest
        {
            Query = marker,
            Filter = new DatasetFilter { Domains = { Domain.Healthcare } },
        });

        Assert.Equal(2, result.TotalSize);
        Assert.Equal(["domain", "modality", "annotation_base", "licence", "province", "status"], result.Facets.Select(f => f.Field));
        Assert.Equal([("healthcare", 2L)], Facet(result, "domain"));
        Assert.Equal([("image", 2L)], Facet(result, "modality"));
        Assert.Equal([("chengdu", 1L), ("none", 1L)], Facet(result, "annotation_base"));
        Assert.Equal([("cc_by_4_0", 2L)], Facet(result, "licence"));
        Assert.Equal([("sichuan", 2L)], Facet(result, "province"));
        Assert.Equal([("draft", 2L)], Facet(result, "status"));
    }

    [Fact]
    public async Task FiltersOnZhShareVolumeAndEnumeratedFields()
    {
        var marker = Marker();
        var chest = await Client.RegisterDatasetAsync(Datasets.ChestCt(marker));
        var finance = await Client.RegisterDatasetAsync(Datasets.Finance(marker));

        async Task<IEnumerable<string>> Ids(DatasetFilter filter) =>
            (await Client.SearchDatasetsAsync(new SearchDatasetsRequest { Query = marker, Filter = filter })).Datasets.Select(d => d.Id);

        Assert.Equal([chest.Id], await Ids(new DatasetFilter { MinZhShareBp = 6_000 }));
        Assert.Equal(new[] { finance.Id, chest.Id }.OrderDescending(StringComparer.Ordinal), await Ids(new DatasetFilter { MinZhShareBp = 5_000 }));
        Assert.Equal([finance.Id], await Ids(new DatasetFilter { MaxVolumeBytes = 1_000_000_000 }));
        Assert.Equal([chest.Id], await Ids(new DatasetFilter { MinVolumeBytes = 1_000_000_000 }));
        Assert.Equal([finance.Id], await Ids(new DatasetFilter { AccessLevels = { AccessLevel.Restricted } }));
        Assert.Equal([chest.Id], await Ids(new DatasetFilter { AnnotationBaseCodes = { "chengdu" }, QualityGrades = { QualityGrade.A } }));
        Assert.Equal([finance.Id], await Ids(new DatasetFilter { AnnotationBaseCodes = { "none" } }));
        Assert.Equal([finance.Id], await Ids(new DatasetFilter { Provinces = { "上海" }, Licences = { Licence.Commercial } }));
        Assert.Equal([], await Ids(new DatasetFilter { Statuses = { CertificationStatus.Certified } }));
    }

    [Fact]
    public async Task PagesCoverEveryMatchOnceInAStableOrder()
    {
        var marker = Marker();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await Client.RegisterDatasetAsync(Datasets.Finance(marker))).Id);
        }

        var seen = new List<string>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await Client.SearchDatasetsAsync(new SearchDatasetsRequest { Query = marker, PageSize = 2, PageToken = token });
            Assert.Equal(5, page.TotalSize);
            seen.AddRange(page.Datasets.Select(d => d.Id));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0);

        Assert.Equal(3, pages);
        // Newest first by time-ordered id; ids minted in the same millisecond fall in id order.
        Assert.Equal(ids.OrderDescending(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task ListDatasetsPagesWithTheSameTokens()
    {
        var marker = Marker();
        for (var i = 0; i < 3; i++)
        {
            await Client.RegisterDatasetAsync(Datasets.Finance(marker));
        }

        var filter = new DatasetFilter { Domains = { Domain.Finance } };
        var first = await Client.ListDatasetsAsync(new ListDatasetsRequest { Filter = filter, PageSize = 2 });
        var again = await Client.ListDatasetsAsync(new ListDatasetsRequest { Filter = filter, PageSize = 2 });
        var second = await Client.ListDatasetsAsync(new ListDatasetsRequest { Filter = filter, PageSize = 2, PageToken = first.NextPageToken });

        Assert.Equal(first, again);
        Assert.Empty(first.Datasets.Select(d => d.Id).Intersect(second.Datasets.Select(d => d.Id)));
        Assert.All(first.Datasets.Concat(second.Datasets), d => Assert.Equal(Domain.Finance, d.Domain));
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("AAAA")]
    [InlineData("%%%")]
    public Task MalformedPageTokenIsInvalid(string token) =>
        GrpcAssert.InvalidField("page_token", async () =>
            await Client.SearchDatasetsAsync(new SearchDatasetsRequest { PageToken = token }));

    [Fact]
    public async Task PageTokenOfAnotherQueryIsInvalid()
    {
        var marker = Marker();
        await Client.RegisterDatasetAsync(Datasets.Finance(marker));
        await Client.RegisterDatasetAsync(Datasets.Finance(marker));
        var page = await Client.SearchDatasetsAsync(new SearchDatasetsRequest { Query = marker, PageSize = 1 });

        await GrpcAssert.InvalidField("page_token", async () =>
            await Client.SearchDatasetsAsync(new SearchDatasetsRequest { Query = "other", PageSize = 1, PageToken = page.NextPageToken }));
    }

    [Fact]
    public async Task PageTokenOfListDatasetsIsInvalidForSearchDatasets()
    {
        await Client.RegisterDatasetAsync(Datasets.Finance(Marker()));
        await Client.RegisterDatasetAsync(Datasets.Finance(Marker()));
        var page = await Client.ListDatasetsAsync(new ListDatasetsRequest { PageSize = 1 });

        await GrpcAssert.InvalidField("page_token", async () =>
            await Client.SearchDatasetsAsync(new SearchDatasetsRequest { PageSize = 1, PageToken = page.NextPageToken }));
    }

    [Fact]
    public async Task AnnotationBasesAreTheSevenNationalBasesWithTheirDatasets()
    {
        var before = (await Client.ListAnnotationBasesAsync(new ListAnnotationBasesRequest())).AnnotationBases.Single(b => b.Code == "chengdu");
        await Client.RegisterDatasetAsync(Datasets.ChestCt());

        var bases = (await Client.ListAnnotationBasesAsync(new ListAnnotationBasesRequest())).AnnotationBases;

        Assert.Equal(["chengdu", "shenyang", "hefei", "changsha", "haikou", "baoding", "datong"], bases.Select(b => b.Code));
        Assert.Equal(["sichuan", "liaoning", "anhui", "hunan", "hainan", "hebei", "shanxi"], bases.Select(b => b.Province));
        var chengdu = bases[0];
        Assert.Equal("成都", chengdu.CityZh);
        Assert.Equal(before.DatasetCount + 1, chengdu.DatasetCount);
        Assert.Equal(Totals.Parse(before.VolumeBytesExact) + 5_000_000_000, Totals.Parse(chengdu.VolumeBytesExact));
    }

    [Fact]
    public async Task StatsCountDatasetsAndBytesByDimension()
    {
        var before = await Client.GetCatalogStatsAsync(new GetCatalogStatsRequest());
        var request = Datasets.Finance();
        request.Provider.Province = "hainan";
        request.Annotation = new Annotation { BaseCode = "haikou", Method = AnnotationMethod.Crowd, AnnotatedFractionBp = 100 };
        await Client.RegisterDatasetAsync(request);

        var after = await Client.GetCatalogStatsAsync(new GetCatalogStatsRequest());

        Assert.Equal(before.DatasetCount + 1, after.DatasetCount);
        Assert.Equal(Totals.Parse(before.VolumeBytesExact) + request.VolumeBytes, Totals.Parse(after.VolumeBytesExact));
        Assert.Equal(Bucket(before.ByProvince, "hainan").Bytes + request.VolumeBytes, Bucket(after.ByProvince, "hainan").Bytes);
        Assert.Equal(Bucket(before.ByAnnotationBase, "haikou").Count + 1, Bucket(after.ByAnnotationBase, "haikou").Count);
        Assert.Equal(Bucket(before.ByDomain, "finance").Count + 1, Bucket(after.ByDomain, "finance").Count);
        Assert.Equal(Bucket(before.ByModality, "tabular").Count + 1, Bucket(after.ByModality, "tabular").Count);
        Assert.Equal(Bucket(before.ByStatus, "draft").Count + 1, Bucket(after.ByStatus, "draft").Count);
        Assert.Equal(after.DatasetCount, after.ByStatus.Sum(b => b.DatasetCount));
    }

    private static (long Count, decimal Bytes) Bucket(IEnumerable<StatsBucket> buckets, string key) =>
        buckets.FirstOrDefault(b => b.Key == key) is { } b ? (b.DatasetCount, Totals.Parse(b.VolumeBytesExact)) : (0, 0);

    private static (string, long)[] Facet(SearchDatasetsResponse response, string field) =>
        response.Facets.Single(f => f.Field == field).Values.Select(v => (v.Value, v.Count)).ToArray();
}
