using Npgsql;
using NpgsqlTypes;

namespace Platform.Metrics.Data;

/// <summary>
/// Multi-row statements for a batch of events in delivery order, in one round trip: the events are cut into segments
/// in which every id appears once (a multi-row upsert may not touch a row twice), applied in order, so the result is
/// the same as applying the events one by one.
/// </summary>
internal static class BatchStatements
{
    /// <summary>
    /// Cuts events (in delivery order) into consecutive segments in which no key repeats: a later event about the same
    /// aggregate starts a new segment, so per aggregate the events are still applied in order.
    /// </summary>
    public static List<List<T>> Segments<T, TKey>(IReadOnlyList<T> events, Func<T, TKey> key)
        where TKey : notnull
    {
        var segments = new List<List<T>>();
        var current = new List<T>();
        var keys = new HashSet<TKey>();
        foreach (var e in events)
        {
            if (!keys.Add(key(e)))
            {
                segments.Add(current);
                current = [];
                keys.Clear();
                keys.Add(key(e));
            }

            current.Add(e);
        }

        if (current.Count > 0)
        {
            segments.Add(current);
        }

        return segments;
    }

    /// <summary>Runs the statements of every segment, in order, in one round trip.</summary>
    public static async Task WriteAsync<T, TKey>(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<T> events, Func<T, TKey> key,
        Func<List<T>, NpgsqlBatchCommand[]> statements, CancellationToken ct)
        where TKey : notnull
    {
        if (events.Count == 0)
        {
            return;
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var segment in Segments(events, key))
        {
            foreach (var statement in statements(segment))
            {
                batch.BatchCommands.Add(statement);
            }
        }

        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A statement reading its rows from the column arrays: <c>{rows}</c> becomes <c>unnest($1, …) as u(name, …)</c>.</summary>
    public static NpgsqlBatchCommand Unnest(string sql, params NpgsqlParameter[] columns)
    {
        var placeholders = string.Join(", ", columns.Select((_, i) => "$" + (i + 1)));
        var names = string.Join(", ", columns.Select(c => c.ParameterName));
        var statement = new NpgsqlBatchCommand(sql.Replace("{rows}", $"unnest({placeholders}) as u({names})"));
        foreach (var column in columns)
        {
            // Positional parameters: the name only labels the unnest column.
            statement.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = column.NpgsqlDbType, Value = column.Value });
        }

        return statement;
    }

    public static NpgsqlParameter Column<T, TValue>(string name, NpgsqlDbType type, List<T> rows, Func<T, TValue> value) =>
        new(name, NpgsqlDbType.Array | type) { Value = rows.Select(value).ToArray() };
}
