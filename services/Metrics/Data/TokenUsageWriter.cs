using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Platform.Metrics.Data;

/// <summary>One token-usage report, validated.</summary>
internal readonly record struct TokenUsageKey(DateOnly Day, string Provider, string Model);

/// <summary>Bulk token-usage writes: binary COPY into a temporary table, then one merge that replaces existing reports.</summary>
internal sealed class TokenUsageWriter(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>Merges the reports; returns how many rows were inserted or changed.</summary>
    public async Task<int> WriteAsync(IReadOnlyDictionary<TokenUsageKey, long> reports, CancellationToken cancellationToken)
    {
        if (reports.Count == 0)
        {
            return 0;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var stored = await WriteAsync(connection, transaction, reports, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    /// <summary>Merges the reports in the caller's transaction; returns how many rows were inserted or changed.</summary>
    public async Task<int> WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyDictionary<TokenUsageKey, long> reports, CancellationToken cancellationToken)
    {
        if (reports.Count == 0)
        {
            return 0;
        }

        await using (var create = new NpgsqlCommand(
            "create temp table if not exists token_usage_staging (day date not null, provider text not null, model text not null, tokens bigint not null) on commit delete rows",
            connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var importer = await connection.BeginBinaryImportAsync(
            "copy token_usage_staging (day, provider, model, tokens) from stdin (format binary)", cancellationToken))
        {
            foreach (var (key, tokens) in reports)
            {
                // Synchronous writes only fill the buffer; the per-value async overhead would dominate at this rate.
                importer.StartRow();
                importer.Write(key.Day, NpgsqlDbType.Date);
                importer.Write(key.Provider, NpgsqlDbType.Text);
                importer.Write(key.Model, NpgsqlDbType.Text);
                importer.Write(tokens, NpgsqlDbType.Bigint);
            }

            await importer.CompleteAsync(cancellationToken);
        }

        // Keys are distinct within a batch (the caller deduplicates, last report wins), as on conflict requires;
        // in key order the index is walked once instead of at random. Re-sending an unchanged figure writes nothing.
        int stored;
        await using (var merge = new NpgsqlCommand(
            """
            insert into token_usage (day, provider, model, tokens, reported_at)
            select day, provider, model, tokens, @now from token_usage_staging order by day, provider collate "C", model collate "C"
            on conflict (day, provider, model) do update set tokens = excluded.tokens, reported_at = excluded.reported_at
            where token_usage.tokens <> excluded.tokens
            """,
            connection, transaction))
        {
            merge.Parameters.AddWithValue("now", time.GetUtcNow());
            stored = await merge.ExecuteNonQueryAsync(cancellationToken);
        }

        return stored;
    }
}
