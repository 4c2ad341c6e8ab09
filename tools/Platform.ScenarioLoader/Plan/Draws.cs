namespace Platform.ScenarioLoader.Plan;

/// <summary>The random draws the scenario is generated with, each from the plan's own seeded <see cref="Random"/>.</summary>
public static class Draws
{
    /// <summary>A standard normal draw (Box–Muller; 1 - NextDouble() avoids log(0)).</summary>
    public static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>Integers proportional to <paramref name="weights"/> that sum exactly to <paramref name="total"/> (largest remainder).</summary>
    public static long[] ScaleToTotal(double[] weights, long total)
    {
        var sum = weights.Sum();
        var exact = weights.Select(w => w / sum * total).ToArray();
        var result = exact.Select(e => (long)Math.Floor(e)).ToArray();
        var remainder = total - result.Sum();
        foreach (var i in Enumerable.Range(0, weights.Length).OrderByDescending(i => exact[i] - result[i]).ThenBy(i => i).Take((int)remainder))
        {
            result[i]++;
        }

        return result;
    }

    public static double LogNormal(Random random, double sigma) => Math.Exp(sigma * Normal(random));

    public static string Pick(Random random, (string Code, double Weight)[] options)
    {
        var roll = random.NextDouble() * options.Sum(o => o.Weight);
        foreach (var (code, weight) in options)
        {
            roll -= weight;
            if (roll < 0)
            {
                return code;
            }
        }

        return options[^1].Code;
    }

    public static DateTimeOffset Time(Random random, DateTimeOffset from, DateTimeOffset to) =>
        from.AddSeconds(random.NextDouble() * (to - from).TotalSeconds);
}
