using Dapper;
using Npgsql;

namespace Platform.Metrics.Data;

/// <summary>Training-corpus reports: the latest by as_of per provider/model.</summary>
internal static class TrainingCorpusWriter
{
    /// <summary>In the caller's transaction: returns the stored report and whether this one was applied (an older one is ignored).</summary>
    public static async Task<(bool Applied, ModelCorpusData Stored)> WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ModelCorpusData report, CancellationToken cancellationToken)
    {
        var applied = await connection.ExecuteAsync(new CommandDefinition(
            """
            insert into training_corpus (provider, model, total_tokens, chinese_tokens, as_of)
            values (@Provider, @Model, @TotalTokens, @ChineseTokens, @AsOf)
            on conflict (provider, model) do update set
                total_tokens = excluded.total_tokens, chinese_tokens = excluded.chinese_tokens, as_of = excluded.as_of
            where training_corpus.as_of <= excluded.as_of
            """,
            report with { AsOf = report.AsOf.ToUniversalTime() }, transaction, cancellationToken: cancellationToken)) == 1;
        var stored = await connection.QuerySingleAsync<(long Total, long Chinese, DateTime AsOf)>(new CommandDefinition(
            "select total_tokens, chinese_tokens, as_of from training_corpus where provider = @Provider and model = @Model",
            report, transaction, cancellationToken: cancellationToken));
        return (applied, report with { TotalTokens = stored.Total, ChineseTokens = stored.Chinese, AsOf = stored.AsOf.ToUniversalTime() });
    }
}
