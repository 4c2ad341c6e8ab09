using System.Globalization;
using Platform.Operations.V1;
using Platform.ScenarioLoader.Loading;

namespace Platform.ScenarioLoader.Operations;

/// <summary>What a PruneRetention call deleted and what each bookkeeping table of the service holds afterwards.</summary>
internal static class RetentionTable
{
    public static string Format(string service, PruneRetentionResponse pruned) =>
        $"{service}: bookkeeping rows pruned now{Environment.NewLine}" + MarkdownTable.Format(
            ["table", "deleted", "rows", "oldest row"],
            pruned.Tables.Select(t => new[]
            {
                t.Table,
                t.Deleted.ToString("N0", CultureInfo.InvariantCulture),
                t.Rows.ToString("N0", CultureInfo.InvariantCulture),
                t.Oldest is { } oldest ? oldest.ToDateTimeOffset().ToString("u", CultureInfo.InvariantCulture) : "-",
            }));
}
