using Npgsql;

namespace Platform.Testing;

/// <summary>
/// The real PostgreSQL, Redis and RabbitMQ servers the tests run against. <c>./test.sh</c> starts them and sets
/// <c>ConnectionStrings__postgres</c>, <c>ConnectionStrings__redis</c> and <c>TEST_RABBITMQ_URI</c> (a broker
/// with one virtual host per test project, so consumers of different projects never take each other's messages).
/// </summary>
public static class TestServers
{
    public static string Postgres => Required("ConnectionStrings__postgres");

    /// <summary>The Redis server, using logical database <paramref name="database"/> (0–15) so projects stay apart.</summary>
    public static string Redis(int database) => $"{Required("ConnectionStrings__redis")},defaultDatabase={database}";

    /// <summary>The broker, at virtual host <paramref name="virtualHost"/> (created by ./test.sh).</summary>
    public static string RabbitMq(string virtualHost) => $"{Required("TEST_RABBITMQ_URI").TrimEnd('/')}/{Uri.EscapeDataString(virtualHost)}";

    /// <summary>Creates a new, empty database with a unique name and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)].ToLowerInvariant();
        await using var connection = new NpgsqlConnection(Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"create database \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(Postgres) { Database = name }.ConnectionString;
    }

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set: run the tests through ./test.sh, which starts the servers.");
}
