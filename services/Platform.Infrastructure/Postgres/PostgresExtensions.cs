using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry.Trace;

namespace Platform.Infrastructure.Postgres;

public static class PostgresExtensions
{
    /// <summary>
    /// Registers an <see cref="NpgsqlDataSource"/> for <c>ConnectionStrings:{connectionName}</c>, a readiness
    /// check, Npgsql tracing, and a start-up step that creates the database if needed and applies the
    /// platform's own migrations followed by the SQL scripts embedded in <paramref name="migrationsAssembly"/>
    /// (resources ending in <c>.sql</c> under a <c>Migrations</c> folder, applied in name order).
    /// Call it before registering messaging so the schema exists before the bus and the outbox relay start.
    /// Rows are read the one way every service reads them: Dapper matches a snake_case column (<c>listed_at</c>) to a
    /// PascalCase property or constructor parameter (<c>ListedAt</c>), so SQL names columns as they are, without aliases.
    /// </summary>
    public static IHostApplicationBuilder AddPostgres(
        this IHostApplicationBuilder builder, string connectionName, Assembly migrationsAssembly)
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{connectionName} is not configured.");
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;

        builder.Services.AddSingleton(sp =>
        {
            var dataSource = new NpgsqlDataSourceBuilder(connectionString);
            // The services run the same few statements over and over: prepared once per connection, they skip
            // PostgreSQL's parse and plan on every call (unless the connection string says otherwise).
            if (!connectionString.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase))
            {
                dataSource.ConnectionStringBuilder.MaxAutoPrepare = 64;
                dataSource.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
            }

            // No code here changes session state, so a pooled connection needs no reset (RESET ALL and friends) each
            // time it goes back to the pool: that reset was a large part of PostgreSQL's CPU per request.
            if (!connectionString.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase))
            {
                dataSource.ConnectionStringBuilder.NoResetOnClose = true;
            }

            // A burst (a scenario load's 128 concurrent calls) opens many connections; each idle one keeps a PostgreSQL
            // backend of a few MB. Closed after a minute idle rather than Npgsql's five (91 idle catalog backends
            // after a ×3 load held about 300 MB).
            if (!connectionString.Contains("Connection Idle Lifetime", StringComparison.OrdinalIgnoreCase))
            {
                dataSource.ConnectionStringBuilder.ConnectionIdleLifetime = 60;
            }

            dataSource.UseLoggerFactory(sp.GetService<Microsoft.Extensions.Logging.ILoggerFactory>());
            return dataSource.Build();
        });
        builder.Services.AddSingleton(new MigrationSet([typeof(PostgresExtensions).Assembly, migrationsAssembly]));
        builder.Services.AddHostedService<MigrationRunner>();
        builder.Services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgres", tags: ["ready"]);
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddNpgsql());
        return builder;
    }
}
