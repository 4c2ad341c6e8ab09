using Dapper;
using Npgsql;
using Platform.Infrastructure.Errors;
using Platform.Infrastructure.Writes;
using Platform.Trading.V1;

namespace Platform.Trading.Data;

internal sealed class ExchangeRepository(NpgsqlDataSource dataSource, WritePath writes, TimeProvider time)
{
    private const string Columns = "code, name, local_name, province, equity_pilot, created_at";

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

    /// <summary>Adds an exchange through the write path; an existing code is ALREADY_EXISTS.</summary>
    public Task<Exchange> CreateAsync(WriteCall call, WriteItem item, ExchangeRow exchange, CancellationToken cancellationToken) =>
        writes.RunAsync(call, item, Exchange.Parser, async (connection, transaction) =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<ExchangeRow>(new CommandDefinition(
            $"""
            insert into exchanges (code, name, local_name, province, equity_pilot, created_at)
            values (@Code, @Name, @LocalName, @Province, @EquityPilot, @now)
            on conflict do nothing
            returning {Columns}
            """,
            new { exchange.Code, exchange.Name, exchange.LocalName, exchange.Province, exchange.EquityPilot, now = time.GetUtcNow() },
            transaction, cancellationToken: cancellationToken))
                ?? throw Refusal.AlreadyExists($"Exchange '{exchange.Code}' already exists.");
            return new Written<Exchange>(row.ToMessage(), [row.Code], row.Code);
        }, cancellationToken);
}
