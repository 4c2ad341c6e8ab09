using System.Reflection;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Platform.Infrastructure.Postgres;

internal sealed record MigrationSet(IReadOnlyList<Assembly> Assemblies);

/// <summary>
/// Applies embedded SQL migrations on start-up, once each, under an advisory lock so that replicas
/// starting together do not race. Creates the database first when the server does not have it yet.
/// </summary>
internal sealed partial class MigrationRunner(NpgsqlDataSource dataSource, MigrationSet set, ILogger<MigrationRunner> logger)
    : IHostedService
{
    private const long AdvisoryLockKey = 0x5045_4D49_4752; // "PEMIGR"

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await WaitForServerAsync(cancellationToken);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync("select pg_advisory_xact_lock(@key)", new { key = AdvisoryLockKey }, transaction);
        await connection.ExecuteAsync(
            "create table if not exists schema_migrations (id text primary key, applied_at timestamptz not null default now())",
            transaction: transaction);
        var applied = (await connection.QueryAsync<string>("select id from schema_migrations", transaction: transaction)).ToHashSet();

        foreach (var (id, sql) in Discover())
        {
            if (applied.Contains(id))
            {
                continue;
            }

            LogApplying(logger, id);
            await connection.ExecuteAsync(sql, transaction: transaction);
            await connection.ExecuteAsync("insert into schema_migrations (id) values (@id)", new { id }, transaction);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private IEnumerable<(string Id, string Sql)> Discover()
    {
        foreach (var assembly in set.Assemblies.Distinct())
        {
            var prefix = assembly.GetName().Name + ".Migrations.";
            foreach (var resource in assembly.GetManifestResourceNames()
                         .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
                         .Order(StringComparer.Ordinal))
            {
                using var stream = assembly.GetManifestResourceStream(resource)!;
                using var reader = new StreamReader(stream);
                yield return (resource, reader.ReadToEnd());
            }
        }
    }

    /// <summary>Waits for the server (it may still be starting) and creates the database if it is missing.</summary>
    private async Task WaitForServerAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidCatalogName)
            {
                await CreateDatabaseAsync(cancellationToken);
            }
            catch (NpgsqlException ex) when (ex is not PostgresException && DateTime.UtcNow < deadline)
            {
                LogWaiting(logger, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    private async Task CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        var database = target.Database ?? throw new InvalidOperationException("The connection string names no database.");
        var maintenance = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync($"create database \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"");
            LogCreated(logger, database);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Created concurrently by another replica.
        }
    }

    [LoggerMessage(LogLevel.Information, "Applying migration {Migration}")]
    private static partial void LogApplying(ILogger logger, string migration);

    [LoggerMessage(LogLevel.Information, "Created database {Database}")]
    private static partial void LogCreated(ILogger logger, string database);

    [LoggerMessage(LogLevel.Warning, "Waiting for PostgreSQL: {Reason}")]
    private static partial void LogWaiting(ILogger logger, string reason);
}
