using Platform.Trading.V1;
using Platform.Testing;

namespace Platform.Trading.FunctionalTests;

/// <summary>The adversarial corpus of this service (<c>Corpus/trading.json</c>): every case answered with its expected status and field.</summary>
[Collection(TradingCollection.Name)]
public sealed class AdversarialCorpusTests(TradingFixture fixture)
{
    [Fact]
    public Task EveryCaseIsAnsweredPrecisely() =>
        AdversarialCorpus.RunAsync(AdversarialCorpus.Load("Corpus/trading.json"), TradingService.Descriptor, fixture.Invoker);
}
