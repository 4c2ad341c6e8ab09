namespace Platform.LoadTest.UnitTests;

public sealed class LoadOptionsTests
{
    [Fact]
    public void TheStandardSetMeasuresFreshness()
    {
        var options = LoadOptions.Parse([]);

        Assert.Contains("freshness", options.Scenarios);
        Assert.Equal(100, options.WriteRate);
        Assert.IsType<FreshnessScenario>(Scenario.Create("freshness"));
    }

    [Fact]
    public void ParsesWriteRateAndDryRun()
    {
        var options = LoadOptions.Parse(["--scenarios", "freshness", "--write-rate", "250.5", "--dry-run"]);

        Assert.Equal(["freshness"], options.Scenarios);
        Assert.Equal(250.5, options.WriteRate);
        Assert.True(options.DryRun);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("many")]
    [InlineData("NaN")]
    public void RejectsAWriteRateThatIsNotANonNegativeNumber(string value) =>
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--write-rate", value]));
}
