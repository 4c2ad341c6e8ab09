using System.Globalization;
using System.Text;

namespace Platform.LoadTest;

public static class Report
{
    /// <summary>A Markdown table of the results (what the bench script puts in the README).</summary>
    public static string Table(IEnumerable<ScenarioResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| scenario | service | mode | in flight | calls/s | items/s | p50 ms | p90 ms | p99 ms | max ms | vs baseline (throughput / p99) | non-OK |");
        text.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var r in results)
        {
            var ratio = r.ThroughputVsBaseline is { } t ? $"{t:0.00}× / {r.P99VsBaseline:0.00}×" : "—";
            var nonOk = r.NonOk == 0 ? "0" : string.Join(", ", r.Statuses.Where(s => s.Key != "OK").Select(s => $"{s.Key} {s.Value}"));
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Scenario} | {r.Service} | {r.Mode} | {r.Concurrency} | {r.CallsPerSecond:N0} | {r.ItemsPerSecond:N0} | {r.P50Ms:0.00} | {r.P90Ms:0.00} | {r.P99Ms:0.00} | {r.MaxMs:0.0} | {ratio} | {nonOk} |"));
        }

        return text.ToString();
    }

    public static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"{Environment.ProcessorCount} cores{(cpu is null ? "" : $" ({cpu})")}, {Environment.OSVersion}, .NET {Environment.Version}";
    }
}
