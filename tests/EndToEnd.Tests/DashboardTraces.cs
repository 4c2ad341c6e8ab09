using System.Text.Json;

namespace Platform.EndToEnd.Tests;

/// <summary>One span as the dashboard's telemetry API returns it (OTLP JSON).</summary>
public sealed record TraceSpan(string Service, string Name, int Kind, string SpanId, string ParentSpanId, IReadOnlyDictionary<string, string> Attributes)
{
    public const int Server = 2;
    public const int Client = 3;
    public const int Producer = 4;
    public const int Consumer = 5;
}

public static class DashboardTraces
{
    /// <summary>Every span of one trace, from <c>GET /api/telemetry/traces/{traceId}</c>; empty while it has not arrived.</summary>
    public static async Task<IReadOnlyList<TraceSpan>> GetTraceAsync(HttpClient dashboard, string traceId)
    {
        using var response = await dashboard.GetAsync($"/api/telemetry/traces/{traceId}");
        if (!response.IsSuccessStatusCode)
        {
            return [];
        }

        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var spans = new List<TraceSpan>();
        if (!document.RootElement.TryGetProperty("data", out var data) || !data.TryGetProperty("resourceSpans", out var resourceSpans))
        {
            return spans;
        }

        foreach (var resourceSpan in resourceSpans.EnumerateArray())
        {
            var service = Attributes(resourceSpan.GetProperty("resource")).GetValueOrDefault("service.name", "?");
            foreach (var scope in resourceSpan.GetProperty("scopeSpans").EnumerateArray())
            {
                foreach (var span in scope.GetProperty("spans").EnumerateArray())
                {
                    spans.Add(new TraceSpan(
                        service,
                        span.GetProperty("name").GetString() ?? "",
                        span.TryGetProperty("kind", out var kind) ? kind.GetInt32() : 0,
                        span.GetProperty("spanId").GetString() ?? "",
                        span.TryGetProperty("parentSpanId", out var parent) ? parent.GetString() ?? "" : "",
                        Attributes(span)));
                }
            }
        }

        return spans;
    }

    private static Dictionary<string, string> Attributes(JsonElement element)
    {
        var attributes = new Dictionary<string, string>();
        if (element.TryGetProperty("attributes", out var list))
        {
            foreach (var attribute in list.EnumerateArray())
            {
                var value = attribute.GetProperty("value");
                attributes[attribute.GetProperty("key").GetString()!] =
                    value.TryGetProperty("stringValue", out var s) ? s.GetString() ?? "" : value.ToString();
            }
        }

        return attributes;
    }
}
