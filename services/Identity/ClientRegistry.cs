using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Platform.Identity;

/// <summary>One client of the token service, as the clients file describes it.</summary>
public sealed class ClientRegistration
{
    public string Secret { get; set; } = "";

    /// <summary>provider, certifier, exchange, reporter, admin (and reader, for services that read drafts).</summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>The organisation a provider registers datasets for.</summary>
    public string? Organisation { get; set; }

    /// <summary>The exchange code an exchange client acts for.</summary>
    public string? Exchange { get; set; }
}

/// <summary>The clients file: client id → registration. Re-read when the file changes, so an operator can add clients.</summary>
public sealed class ClientsOptions
{
    public const string Section = "Clients";

    public Dictionary<string, ClientRegistration> Clients { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Checks client credentials against the clients file in constant time.</summary>
internal sealed class ClientRegistry(IOptionsMonitor<ClientsOptions> options)
{
    public ClientRegistration? Authenticate(string? clientId, string? secret)
    {
        if (string.IsNullOrEmpty(clientId) || string.IsNullOrEmpty(secret)
            || !options.CurrentValue.Clients.TryGetValue(clientId, out var client) || client.Secret.Length == 0)
        {
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(Hash(client.Secret), Hash(secret)) ? client : null;
    }

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
