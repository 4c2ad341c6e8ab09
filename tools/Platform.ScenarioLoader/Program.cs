using Platform.ScenarioLoader.Plan;

var plan = ScenarioGenerator.Generate(42);
Console.WriteLine($"{plan.Datasets.Count} datasets, {plan.Datasets.Sum(d => d.VolumeBytes) / (double)Units.Petabyte:0.0} PB");
Console.WriteLine($"{plan.Listings.Count} listings, HQ listed {plan.Listings.Where(l => l.DatasetIndex != null).Sum(l => l.VolumeBytes) / (double)Units.Petabyte:0.0} PB, {plan.Listings.Count(l => l.DatasetIndex != null)} HQ listings");
Console.WriteLine($"{plan.Trades.Count} trades, HQ {plan.Trades.Where(t => t.HighQuality).Sum(t => t.AmountFen) / 100 / 1e8:0.00} 亿元");
foreach (var year in new[] { 2024, 2025 })
{
    var bj = plan.Trades.Where(t => t.Exchange == "BJ" && t.SettledAt.Year == year).ToList();
    Console.WriteLine($"BJ {year}: share {bj.Where(t => t.HighQuality).Sum(t => t.AmountFen) * 100.0 / bj.Sum(t => t.AmountFen):0.0}%");
}
Console.WriteLine($"{plan.TokenUsage.Count} token rows; first day {plan.TokenUsage.Where(u => u.Day == new DateOnly(2024,1,1)).Sum(u => u.Tokens) / 1e9:0} bn, last {plan.TokenUsage.Where(u => u.Day == new DateOnly(2025,6,30)).Sum(u => u.Tokens) / 1e12:0.0} tn");
Console.WriteLine($"{plan.Corpora.Count} corpora; max {plan.Corpora.Max(c => c.ChineseTokens * 100.0 / c.TotalTokens):0.0}%, above 60%: {plan.Corpora.Count(c => c.ChineseTokens * 10000 > c.TotalTokens * 6000)}");
