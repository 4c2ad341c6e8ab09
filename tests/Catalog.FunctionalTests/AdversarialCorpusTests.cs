using Platform.Catalog.V1;
using Platform.Testing;

namespace Platform.Catalog.FunctionalTests;

/// <summary>The adversarial corpus of this service (<c>Corpus/catalog.json</c>): every case answered with its expected status and field.</summary>
[Collection(CatalogCollection.Name)]
public sealed class AdversarialCorpusTests(CatalogFixture fixture)
{
    [Fact]
    public async Task EveryCaseIsAnsweredPrecisely()
    {
        var draft = await fixture.Client.RegisterDatasetAsync(Datasets.ChestCt());
        await AdversarialCorpus.RunAsync(
            AdversarialCorpus.Load("Corpus/catalog.json"), CatalogService.Descriptor, fixture.Invoker, new Dictionary<string, string> { ["$draft"] = draft.Id });
    }
}
