using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace Platform.Infrastructure.UnitTests;

public sealed class RootTraceSamplerTests
{
    private static SamplingParameters Root() =>
        new(default, ActivityTraceId.CreateRandom(), "POST /platform.metrics.v1.MetricsService/GetHeadlineIndicators", ActivityKind.Server);

    [Fact]
    public void SamplesTheFirstRootTraceAndDropsTheOthersWithinTheInterval()
    {
        var sampler = new RootTraceSampler(perSecond: 0.001); // one trace per 1,000 s

        var decisions = Enumerable.Range(0, 1_000).Select(_ => sampler.ShouldSample(Root()).Decision).ToList();

        Assert.Equal(SamplingDecision.RecordAndSample, decisions[0]);
        Assert.All(decisions.Skip(1), d => Assert.Equal(SamplingDecision.Drop, d));
    }

    [Fact]
    public void ConcurrentCallersShareOneBudget()
    {
        var sampler = new RootTraceSampler(perSecond: 0.001);
        var sampled = 0;

        Parallel.For(0, 10_000, _ =>
        {
            if (sampler.ShouldSample(Root()).Decision == SamplingDecision.RecordAndSample)
            {
                Interlocked.Increment(ref sampled);
            }
        });

        Assert.Equal(1, sampled);
    }

    [Fact]
    public void SamplesAgainOnceTheIntervalHasPassed()
    {
        var sampler = new RootTraceSampler(perSecond: 1_000_000); // one per microsecond

        Assert.Equal(SamplingDecision.RecordAndSample, sampler.ShouldSample(Root()).Decision);
        Thread.Sleep(5);
        Assert.Equal(SamplingDecision.RecordAndSample, sampler.ShouldSample(Root()).Decision);
    }
}
