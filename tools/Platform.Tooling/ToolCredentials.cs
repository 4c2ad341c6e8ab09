using System.Text.Json;
using Platform.TokenClient;

namespace Platform.Tooling;

/// <summary>
/// The tools' client credentials: <c>Identity__Authority</c>, <c>Identity__ClientId</c> and <c>Identity__ClientSecret</c>
/// from the environment (the app host sets them); otherwise, on a shell next to a running platform, the tool's own
/// client from <c>.data/identity/clients.json</c> (found from the current folder upwards) at the local token service.
/// </summary>
public static class ToolCredentials
{
    public const string LocalAuthority = "http://127.0.0.1:5041/";
    public const string ClientsFile = ".data/identity/clients.json";

    public static ClientCredentials? Resolve(string defaultClientId)
    {
        if (ClientCredentials.From(key => Environment.GetEnvironmentVariable(key.Replace(":", "__", StringComparison.Ordinal))) is { } configured)
        {
            return configured;
        }

        var clientId = Environment.GetEnvironmentVariable("Identity__ClientId") is { Length: > 0 } id ? id : defaultClientId;
        var authority = Environment.GetEnvironmentVariable("Identity__Authority") is { Length: > 0 } a ? a : LocalAuthority;
        for (var folder = new DirectoryInfo(Environment.CurrentDirectory); folder is not null; folder = folder.Parent)
        {
            var path = Path.Combine(folder.FullName, ClientsFile);
            if (File.Exists(path))
            {
                using var document = JsonDocument.Parse(File.ReadAllText(path));
                return document.RootElement.TryGetProperty("Clients", out var clients)
                    && clients.TryGetProperty(clientId, out var client)
                    && client.TryGetProperty("Secret", out var secret)
                        ? new ClientCredentials(new Uri(authority), clientId, secret.GetString()!)
                        : null;
            }
        }

        return null;
    }
}
