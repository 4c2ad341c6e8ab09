using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using RabbitMQ.Client;
using StackExchange.Redis;

namespace Platform.AppHost.Servers;

/// <summary>Health checks that talk to each server in its own protocol; the dashboard shows their result.</summary>
internal abstract class ServerHealthCheck(IResourceWithConnectionString resource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken);
            if (string.IsNullOrEmpty(connectionString))
            {
                return HealthCheckResult.Unhealthy("No connection string yet.");
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await PingAsync(connectionString, timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy(ex.Message, ex);
        }
    }

    protected abstract Task PingAsync(string connectionString, CancellationToken cancellationToken);
}

internal sealed class PostgresHealthCheck(IResourceWithConnectionString resource) : ServerHealthCheck(resource)
{
    protected override async Task PingAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 5 };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("select 1", connection);
        await command.ExecuteScalarAsync(cancellationToken);
    }
}

internal sealed class RedisHealthCheck(IResourceWithConnectionString resource) : ServerHealthCheck(resource)
{
    protected override async Task PingAsync(string connectionString, CancellationToken cancellationToken)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 5000;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        await connection.GetDatabase().PingAsync();
    }
}

internal sealed class RabbitMqHealthCheck(IResourceWithConnectionString resource) : ServerHealthCheck(resource)
{
    protected override async Task PingAsync(string connectionString, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { Uri = new Uri(connectionString), RequestedConnectionTimeout = TimeSpan.FromSeconds(5) };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
    }
}
