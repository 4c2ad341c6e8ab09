using System.Text;

namespace Platform.ScenarioLoader.Loading;

/// <summary>The loader's tables as Markdown, so they paste into a README or an issue as they are.</summary>
internal static class MarkdownTable
{
    public static string Format(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var text = new StringBuilder();
        text.AppendLine($"| {string.Join(" | ", header)} |");
        text.AppendLine($"|{string.Concat(header.Select(_ => "---|"))}");
        foreach (var row in rows)
        {
            text.AppendLine($"| {string.Join(" | ", row)} |");
        }

        return text.ToString();
    }

    public static string YesNo(bool agrees) => agrees ? "yes" : "NO";
}
