using Dapper;
using Npgsql;
using Platform.Infrastructure.Grpc;

namespace Platform.Trading.Data;

internal sealed class ExchangeRepository(NpgsqlDataSource dataSource, TimeProvider time)
{
    private const string Columns = "code, name, local_name as LocalName, province, equity_pilot as EquityPilot, created_at as CreatedAt";

    public async Task<IReadOnlyList<ExchangeRow>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<ExchangeRow>(new CommandDefinition(
            $"select {Columns} from exchanges order by code", cancellationToken: cancellationToken))).AsList();
    }

    public async Task<ExchangeRow?> FindAsync(string code, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ExchangeRow>(new CommandDefinition(
            $"select {Columns} from exchanges where code = @code", new { code }, cancellationToken: cancellationToken));
    }

    /// <summary>The codes among <paramref name="codes"/> that name an exchange.</summary>
    public async Task<IReadOnlySet<string>> ExistingAsync(string[] codes, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<string>(new CommandDefinition(
            "select code from exchanges where code = any(@codes)", new { codes }, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Adds an exchange; a retry with the same request id returns it, any other request for an existing code is ALREADY_EXISTS.</summary>
    public async Task<ExchangeRow> CreateAsync(string? requestId, ExchangeRow exchange, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var inserted = await connection.QuerySingleOrDefaultAsync<ExchangeRow>(new CommandDefinition(
            $"""
            insert into exchanges (code, request_id, name, local_name, province, equity_pilot, created_at)
            values (@Code, @requestId, @Name, @LocalName, @Province, @EquityPilot, @now)
            on conflict do nothing
            returning {Columns}
            """,
            new { exchange.Code, requestId, exchange.Name, exchange.LocalName, exchange.Province, exchange.EquityPilot, now = time.GetUtcNow() },
            cancellationToken: cancellationToken));
        if (inserted is not null)
        {
            return inserted;
        }

        if (requestId is not null)
        {
            var retried = await connection.QuerySingleOrDefaultAsync<ExchangeRow>(new CommandDefinition(
                $"select {Columns} from exchanges where request_id = @requestId", new { requestId }, cancellationToken: cancellationToken));
            if (retried is not null)
            {
                return retried;
            }
        }

        throw GrpcErrors.AlreadyExists($"Exchange '{exchange.Code}' already exists.");
    }
}
