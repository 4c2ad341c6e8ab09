using Grpc.Core;
using Platform.Catalog.V1;
using Platform.Testing;

namespace Platform.Catalog.FunctionalTests;

/// <summary>Lineage: datasets derived from others, listed both ways, without cycles, reviewed when a source retires.</summary>
[Collection(CatalogCollection.Name)]
public sealed class LineageTests(CatalogFixture fixture)
{
    private static readonly TimeSpan NoticePeriod = TimeSpan.FromDays(3);

    private CatalogService.CatalogServiceClient Client => fixture.Client;

    private static string NewId() => Guid.NewGuid().ToString();

    private Task<DatasetLineage> SetSources(string id, params string[] sources) =>
        Client.SetDatasetSourcesAsync(new SetDatasetSourcesRequest { RequestId = NewId(), Id = id, SourceIds = { sources } }).ResponseAsync;

    private async Task<Dataset> CertifiedAsync()
    {
        var dataset = await Client.RegisterDatasetAsync(Datasets.ChestCt());
        await Client.SubmitForCertificationAsync(new SubmitForCertificationRequest { RequestId = NewId(), Id = dataset.Id });
        fixture.Time.Advance(NoticePeriod);
        return await Client.CertifyDatasetAsync(new CertifyDatasetRequest { RequestId = NewId(), Id = dataset.Id });
    }

    [Fact]
    public async Task ACorpusNamesItsSourcesAndEachSourceListsItsDerivatives()
    {
        var (a, b, corpus) = (await CertifiedAsync(), await CertifiedAsync(), await Client.RegisterDatasetAsync(Datasets.ChestCt()));

        var set = await SetSources(corpus.Id, a.Id, b.Id);
        var ofA = await fixture.ClientWith(null).GetDatasetLineageAsync(new GetDatasetLineageRequest { Id = a.Id });

        Assert.Equal(new[] { a.Id, b.Id }.Order(StringComparer.Ordinal), set.Sources.Select(s => s.DatasetId));
        Assert.Equal([corpus.Id], ofA.DerivativeIds);
        Assert.False(set.NeedsReview);
        // Naming the sources again replaces them.
        var replaced = await SetSources(corpus.Id, b.Id);
        Assert.Equal([b.Id], replaced.Sources.Select(s => s.DatasetId));
        Assert.Empty((await Client.GetDatasetLineageAsync(new GetDatasetLineageRequest { Id = a.Id })).DerivativeIds);
    }

    [Fact]
    public async Task LineageHasNoCyclesAndNamesOnlyKnownDatasets()
    {
        var (a, b, c) = (await Client.RegisterDatasetAsync(Datasets.ChestCt()), await Client.RegisterDatasetAsync(Datasets.ChestCt()), await Client.RegisterDatasetAsync(Datasets.ChestCt()));
        await SetSources(b.Id, a.Id);
        await SetSources(c.Id, b.Id);

        // a from c would close a → c → b → a.
        var cycle = await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, () => SetSources(a.Id, c.Id));
        Assert.Contains("no cycles", cycle.Status.Detail);
        await GrpcAssert.FailsWith(StatusCode.NotFound, () => SetSources(a.Id, NewId()));
        await GrpcAssert.InvalidField("source_ids", () => SetSources(a.Id, a.Id));
        Assert.Empty((await Client.GetDatasetLineageAsync(new GetDatasetLineageRequest { Id = a.Id })).Sources);
    }

    [Fact]
    public async Task ARetiredSourceMarksItsDerivativesForReview()
    {
        var (source, corpus) = (await CertifiedAsync(), await Client.RegisterDatasetAsync(Datasets.ChestCt()));
        await SetSources(corpus.Id, source.Id);

        await Client.RetireDatasetAsync(new RetireDatasetRequest { RequestId = NewId(), Id = source.Id });
        var lineage = await Client.GetDatasetLineageAsync(new GetDatasetLineageRequest { Id = corpus.Id });

        Assert.True(lineage.NeedsReview);
        Assert.NotNull(Assert.Single(lineage.Sources).RetiredAt);
    }

    [Fact]
    public async Task OnlyTheDatasetsProviderNamesItsSources()
    {
        var (source, corpus) = (await CertifiedAsync(), await Client.RegisterDatasetAsync(Datasets.ChestCt()));
        var other = fixture.ClientWith(TestTokens.Mint("lineage-other", ["provider"], organisation: "另一家医院"));

        await GrpcAssert.FailsWith(StatusCode.NotFound, async () =>
            await other.SetDatasetSourcesAsync(new SetDatasetSourcesRequest { RequestId = NewId(), Id = corpus.Id, SourceIds = { source.Id } }));
        await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () =>
            await other.SetDatasetSourcesAsync(new SetDatasetSourcesRequest { RequestId = NewId(), Id = source.Id, SourceIds = { corpus.Id } }));
    }
}
