using System.Net;
using System.Text.Json;

namespace Platform.Testing;

/// <summary>Calls a JSON route of a service (gRPC JSON transcoding), as curl would.</summary>
public static class JsonRoute
{
    /// <returns>The HTTP status and the parsed body (default when empty).</returns>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(
        HttpMessageInvoker http, Uri baseAddress, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(baseAddress, path));
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, CancellationToken.None);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>The field of the first field violation in a <c>google.rpc.Status</c> body.</summary>
    public static string FirstViolatedField(JsonElement status) =>
        status.GetProperty("details").EnumerateArray()
            .First(d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.BadRequest")
            .GetProperty("fieldViolations")[0].GetProperty("field").GetString()!;
}
