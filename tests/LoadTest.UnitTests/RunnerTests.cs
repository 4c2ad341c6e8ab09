namespace Platform.LoadTest.UnitTests;

public sealed class RunnerTests
{
    private static long[] Milliseconds(params int[] values) => values.Select(v => TimeSpan.FromMilliseconds(v).Ticks).ToArray();

    [Fact]
    public void PercentilesAreNearestRank()
    {
        var sorted = Milliseconds(Enumerable.Range(1, 100).ToArray());

        Assert.Equal(50, Runner.Percentile(sorted, 0.50));
        Assert.Equal(90, Runner.Percentile(sorted, 0.90));
        Assert.Equal(99, Runner.Percentile(sorted, 0.99));
        Assert.Equal(100, Runner.Percentile(sorted, 1.0));
    }

    [Fact]
    public void PercentilesOfFewSamplesAreTheirLargestWhenRankRoundsUp()
    {
        var sorted = Milliseconds(10, 20, 30);

        Assert.Equal(20, Runner.Percentile(sorted, 0.50));
        Assert.Equal(30, Runner.Percentile(sorted, 0.99));
        Assert.Equal(0, Runner.Percentile([], 0.99));
    }

    [Fact]
    public void SummarizeSortsLatenciesAndCountsCallsStatusesAndRates()
    {
        var result = Runner.Summarize(
            "freshness:h1", "metrics", "watch", 1, 1, TimeSpan.FromSeconds(2), Milliseconds(300, 100, 200, 400), 4,
            [new("OK", 4), new("NOT_COUNTED_IN_10S", 1)]);

        Assert.Equal(4, result.Calls);
        Assert.Equal(2, result.CallsPerSecond);
        Assert.Equal(200, result.P50Ms);
        Assert.Equal(400, result.P99Ms);
        Assert.Equal(400, result.MaxMs);
        Assert.Equal(1, result.NonOk);
    }
}
