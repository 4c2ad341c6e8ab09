using System.Text;
using Dapper;
using Npgsql;
using Platform.Infrastructure.Grpc;

namespace Platform.Trading.Data;

/// <summary>
/// The list query ListListings and ListTrades share: equality filters (a null value filters nothing), then one page
/// in (time, id) order after a page key, one row more than the page so the caller knows whether another follows.
/// </summary>
internal sealed class KeysetQuery(string columns, string table, string timeColumn)
{
    private readonly StringBuilder _sql = new($"select {columns} from {table} where true");
    private readonly DynamicParameters _parameters = new();

    public KeysetQuery Equal(string column, object? value)
    {
        if (value is not null)
        {
            _sql.Append($" and {column} = @{column}");
            _parameters.Add(column, value);
        }

        return this;
    }

    /// <summary>A condition of its own (a range, say), with its parameters.</summary>
    public KeysetQuery Where(string condition, object parameters)
    {
        _sql.Append($" and {condition}");
        _parameters.AddDynamicParams(parameters);
        return this;
    }

    public async Task<IReadOnlyList<T>> PageAsync<T>(NpgsqlDataSource dataSource, PageKey? after, int limit, CancellationToken cancellationToken)
    {
        if (after is { } key)
        {
            Where($"({timeColumn}, id) > (@afterAt, @afterId)", new { afterAt = key.Utc, afterId = key.Id });
        }

        _sql.Append($" order by {timeColumn}, id limit @limit");
        _parameters.Add("limit", limit);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<T>(new CommandDefinition(_sql.ToString(), _parameters, cancellationToken: cancellationToken))).AsList();
    }
}
