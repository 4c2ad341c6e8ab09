using Platform.ScenarioLoader.Plan;

namespace Platform.ScenarioLoader.UnitTests;

public sealed class ScaledScenarioTests
{
    private static readonly ScenarioPlan Nation = ScenarioGenerator.Generate(42);
    private static readonly ScenarioPlan Three = ScenarioGenerator.Generate(42, ScenarioTargets.Scaled(3));

    [Fact]
    public void ScaleOneIsTheArticlesPlanRecordForRecordWithItsRequestIds()
    {
        var one = ScenarioGenerator.Generate(42, ScenarioTargets.Scaled(1));

        Assert.Equal(Nation.Datasets.Select(d => (d.Name, d.VolumeBytes)), one.Datasets.Select(d => (d.Name, d.VolumeBytes)));
        Assert.Equal(Nation.TokenUsage, one.TokenUsage);
        Assert.Equal(Nation.Corpora, one.Corpora);
        Assert.Equal("scenario-42", one.RequestPrefix);
        Assert.Equal("scenario-42x3", Three.RequestPrefix);
    }

    [Fact]
    public void ThreeTimesTheNationHasThreeTimesEveryCountAndTotal()
    {
        Assert.Equal(3 * Nation.Datasets.Count, Three.Datasets.Count);
        Assert.Equal(3 * Nation.Datasets.Sum(d => d.VolumeBytes), Three.Datasets.Sum(d => d.VolumeBytes));
        Assert.Equal(3 * Nation.Corpora.Count, Three.Corpora.Count);
        Assert.Equal(3 * Nation.TokenUsage.Count, Three.TokenUsage.Count);
        Assert.InRange(Three.Listings.Count, 2.7 * Nation.Listings.Count, 3.3 * Nation.Listings.Count);
        Assert.InRange(Three.Trades.Count, 2.7 * Nation.Trades.Count, 3.3 * Nation.Trades.Count);
        // Amounts are split by integer shares, so the totals agree to within a yuan.
        Assert.InRange(Three.Trades.Sum(t => t.AmountFen) - 3 * Nation.Trades.Sum(t => t.AmountFen), -100, 100);
        Assert.Equal(Three.Datasets.Count, Three.Datasets.Select(d => d.Name).Distinct().Count());
        Assert.Equal(Three.Corpora.Count, Three.Corpora.Select(c => c.Model).Distinct().Count());
    }

    [Fact]
    public void ThreeTimesTheNationKeepsTheArticlesRatios()
    {
        static double Listed(ScenarioPlan p) => (double)p.Listings.Where(l => l.DatasetIndex is not null).Sum(l => l.VolumeBytes) / p.Datasets.Sum(d => d.VolumeBytes);
        static double Growth(ScenarioPlan p) => (double)p.TokenUsage.Where(u => u.Day == p.TokenUsage[^1].Day).Sum(u => u.Tokens) / p.TokenUsage.Where(u => u.Day == p.TokenUsage[0].Day).Sum(u => u.Tokens);
        static double Chinese(ScenarioPlan p) => (double)p.Corpora.Sum(c => c.ChineseTokens) / p.Corpora.Sum(c => c.TotalTokens);
        static double Beijing(ScenarioPlan p) => (double)p.Trades.Where(t => t is { Exchange: "BJ", HighQuality: true }).Sum(t => t.AmountFen) / p.Trades.Where(t => t.Exchange == "BJ").Sum(t => t.AmountFen);

        Assert.Equal(Listed(Nation), Listed(Three), 0.01);
        Assert.Equal(Growth(Nation), Growth(Three), 1e-9);
        Assert.Equal(Chinese(Nation), Chinese(Three), 0.02);
        Assert.Equal(Beijing(Nation), Beijing(Three), 1e-9);
        Assert.Equal(Nation.Evaluations.Count * 3.0, Three.Evaluations.Count, Nation.Evaluations.Count * 0.3);
    }

    [Fact]
    public void TenTimesTheNationStaysWithinTheServicesBounds()
    {
        // Platform.Infrastructure.Grpc.Quantities: 1 EB per dataset or listing, 10^15 records or tokens, 10^13 fen.
        var ten = ScenarioGenerator.Generate(42, ScenarioTargets.Scaled(10));

        Assert.Equal(352_000, ten.Datasets.Count);
        Assert.All(ten.Datasets, d => Assert.True(d.VolumeBytes <= 1_000_000_000_000_000_000 && d.RecordCount <= 1_000_000_000_000_000 && d.TokenCount <= 1_000_000_000_000_000));
        Assert.All(ten.Listings, l => Assert.True(l.VolumeBytes <= 1_000_000_000_000_000_000 && l.PriceFen <= 10_000_000_000_000));
        Assert.All(ten.Trades, t => Assert.InRange(t.AmountFen, 1, 10_000_000_000_000));
        Assert.All(ten.TokenUsage, u => Assert.InRange(u.Tokens, 1, 1_000_000_000_000_000));
        Assert.All(ten.Corpora, c => Assert.InRange(c.TotalTokens, 1, 1_000_000_000_000_000));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void ScalesOutsideOneToTenAreRefused(int scale) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ScenarioTargets.Scaled(scale));
}
