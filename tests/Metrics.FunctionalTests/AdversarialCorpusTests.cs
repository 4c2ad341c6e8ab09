using Platform.Metrics.V1;
using Platform.Testing;

namespace Platform.Metrics.FunctionalTests;

/// <summary>The adversarial corpus of this service (<c>Corpus/metrics.json</c>): every case answered with its expected status and field.</summary>
[Collection(MetricsCollection.Name)]
public sealed class AdversarialCorpusTests(MetricsFixture fixture)
{
    [Fact]
    public Task EveryCaseIsAnsweredPrecisely() =>
        AdversarialCorpus.RunAsync(AdversarialCorpus.Load("Corpus/metrics.json"), MetricsService.Descriptor, fixture.Host.Invoker);
}
