using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.AppHost;

/// <summary>
/// The token service's clients file (<c>.data/identity/clients.json</c>, never committed), written on first start with
/// a random secret per client. An operator adds clients by editing it; the token service re-reads it on change.
/// </summary>
internal static class IdentityClients
{
    public const string FileName = "clients.json";

    public const string Trading = "trading";
    public const string ScenarioLoader = "scenario-loader";
    public const string LoadTest = "load-test";

    /// <summary>The scenario's exchanges: one client each, acting on its own exchange only.</summary>
    private static readonly string[] ScenarioExchanges = ["BJ", "SH", "SZ", "GY", "TJ", "AH"];

    /// <summary>Creates the file when it does not exist; returns the clients it holds (client id → secret).</summary>
    public static IReadOnlyDictionary<string, string> Ensure(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            var clients = new JsonObject
            {
                // trading reads datasets (drafts included) from catalog on a listing's behalf.
                [Trading] = Client(["reader"]),
                // The loader and the load test register for every organisation and act on every exchange.
                [ScenarioLoader] = Client(["admin"]),
                [LoadTest] = Client(["admin"]),
                ["admin"] = Client(["admin"]),
                ["certifier"] = Client(["certifier"]),
                ["reporter"] = Client(["reporter"]),
                ["provider-huaxi"] = Client(["provider"], organisation: "四川大学华西医院"),
            };
            foreach (var code in ScenarioExchanges)
            {
                clients[$"exchange-{code.ToLowerInvariant()}"] = Client(["exchange"], exchange: code);
            }

            var temporary = path + ".tmp";
            File.WriteAllText(temporary, new JsonObject { ["Clients"] = clients }.ToJsonString(new JsonSerializerOptions
            {
                WriteIndented = true,
                Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            }));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.Move(temporary, path);
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("Clients").EnumerateObject()
            .Where(c => c.Value.TryGetProperty("Secret", out _))
            .ToDictionary(c => c.Name, c => c.Value.GetProperty("Secret").GetString() ?? "", StringComparer.Ordinal);
    }

    private static JsonObject Client(string[] roles, string? organisation = null, string? exchange = null)
    {
        var client = new JsonObject
        {
            ["Secret"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_'),
            ["Roles"] = new JsonArray([.. roles.Select(r => (JsonNode)r)]),
        };
        if (organisation is not null)
        {
            client["Organisation"] = organisation;
        }

        if (exchange is not null)
        {
            client["Exchange"] = exchange;
        }

        return client;
    }
}
