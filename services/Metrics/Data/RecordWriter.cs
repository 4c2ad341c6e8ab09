using Dapper;
using Npgsql;
using NpgsqlTypes;
using Platform.Contracts;

namespace Platform.Metrics.Data;

/// <summary>
/// Stores the records the indicators are computed from. Event handlers upsert by aggregate id and keep the latest
/// state whatever order the events arrive in; they run inside the consumer's inbox transaction.
/// </summary>
internal static class RecordWriter
{
    private const string FactColumns =
        "name, domain, modality, volume_bytes, record_count, token_count, province, provider_organisation, annotation_base_code";

    private const string FactValues =
        "@Name, @Domain, @Modality, @VolumeBytes, @RecordCount, @TokenCount, @Province, @ProviderOrganisation, @AnnotationBaseCode";

    private const string FactUpdates =
        """
        facts_at = excluded.facts_at, name = excluded.name, domain = excluded.domain, modality = excluded.modality,
        volume_bytes = excluded.volume_bytes, record_count = excluded.record_count, token_count = excluded.token_count,
        province = excluded.province, provider_organisation = excluded.provider_organisation,
        annotation_base_code = excluded.annotation_base_code
        """;

    public static Task DatasetRegisteredAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DatasetRegistered e, CancellationToken ct) =>
        UpsertFactsAsync(connection, transaction, e.DatasetId, e.Facts, e.RegisteredAt,
            "registered_at", "@At", "registered_at = least(datasets.registered_at, excluded.registered_at)", null, ct);

    public static Task DatasetCertifiedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DatasetCertified e, CancellationToken ct) =>
        UpsertFactsAsync(connection, transaction, e.DatasetId, e.Facts, e.CertifiedAt,
            "certified_at, certificate_number", "@At, @CertificateNumber",
            """
            certified_at = greatest(datasets.certified_at, excluded.certified_at),
            certificate_number = case when datasets.certified_at is null or excluded.certified_at >= datasets.certified_at
                                      then excluded.certificate_number else datasets.certificate_number end
            """,
            e.CertificateNumber, ct);

    public static Task DatasetUpdatedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DatasetUpdated e, CancellationToken ct) =>
        UpsertFactsAsync(connection, transaction, e.DatasetId, e.Facts, e.UpdatedAt, "status", "@Status",
            "status = case when excluded.facts_at >= datasets.facts_at then excluded.status else datasets.status end", null, ct, e.Status);

    /// <summary>A retirement may arrive before anything else about the dataset: it leaves a tombstone with placeholder facts.</summary>
    public static Task DatasetRetiredAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DatasetRetired e, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            insert into datasets (dataset_id, retired_at, facts_at, name, domain, modality, volume_bytes, record_count, token_count, province, provider_organisation)
            values (@DatasetId, @RetiredAt, '-infinity', '', '', '', 0, 0, 0, '', '')
            on conflict (dataset_id) do update set retired_at = greatest(datasets.retired_at, excluded.retired_at)
            """,
            e with { RetiredAt = e.RetiredAt.ToUniversalTime() }, transaction, cancellationToken: ct));

    private static async Task UpsertFactsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid datasetId, DatasetFacts facts, DateTimeOffset at,
        string lifecycleColumns, string lifecycleValues, string lifecycleUpdate, string? certificateNumber, CancellationToken ct, string? status = null)
    {
        var parameters = new
        {
            DatasetId = datasetId,
            At = at.ToUniversalTime(),
            CertificateNumber = certificateNumber,
            Status = status,
            facts.Name,
            facts.Domain,
            facts.Modality,
            facts.VolumeBytes,
            facts.RecordCount,
            facts.TokenCount,
            facts.Province,
            facts.ProviderOrganisation,
            facts.AnnotationBaseCode,
        };

        // The lifecycle column always merges; the descriptive facts only when this event is at least as new.
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            insert into datasets (dataset_id, {lifecycleColumns}, facts_at, {FactColumns})
            values (@DatasetId, {lifecycleValues}, @At, {FactValues})
            on conflict (dataset_id) do update set {lifecycleUpdate}
            """,
            parameters, transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            insert into datasets (dataset_id, facts_at, {FactColumns}) values (@DatasetId, @At, {FactValues})
            on conflict (dataset_id) do update set {FactUpdates} where datasets.facts_at <= excluded.facts_at
            """,
            parameters, transaction, cancellationToken: ct));
    }

    public static Task ListingCreatedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ListingCreated e, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            insert into listings (listing_id, exchange_code, product_kind, dataset_id, listed_volume_bytes, listed_at)
            values (@ListingId, @ExchangeCode, @ProductKind, @DatasetId, @ListedVolumeBytes, @ListedAt)
            on conflict (listing_id) do update set
                exchange_code = excluded.exchange_code, product_kind = excluded.product_kind, dataset_id = excluded.dataset_id,
                listed_volume_bytes = excluded.listed_volume_bytes, listed_at = excluded.listed_at
            """,
            e with { ListedAt = e.ListedAt.ToUniversalTime() }, transaction, cancellationToken: ct));

    /// <summary>A delisting that arrives before its creation leaves a tombstone, so the creation does not make it live.</summary>
    public static Task ListingDelistedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ListingDelisted e, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            insert into listings (listing_id, exchange_code, product_kind, dataset_id, listed_volume_bytes, delisted_at, delist_reason)
            values (@ListingId, @ExchangeCode, @ProductKind, @DatasetId, @ListedVolumeBytes, @DelistedAt, @Reason)
            on conflict (listing_id) do update set delisted_at = excluded.delisted_at, delist_reason = excluded.delist_reason
            """,
            e with { DelistedAt = e.DelistedAt.ToUniversalTime() }, transaction, cancellationToken: ct));

    public static Task TradeSettledAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, TradeSettled e, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            insert into trades (trade_id, listing_id, exchange_code, trade_type, product_kind, dataset_id, amount_fen, settled_at)
            values (@TradeId, @ListingId, @ExchangeCode, @TradeType, @ProductKind, @DatasetId, @AmountFen, @SettledAt)
            on conflict (trade_id) do nothing
            """,
            e with { SettledAt = e.SettledAt.ToUniversalTime() }, transaction, cancellationToken: ct));

    public static Task EquityContributionRecordedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, EquityContributionRecorded e, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            insert into equity_contributions (trade_id, exchange_code, dataset_id, receiving_company, valuation_fen, equity_share_basis_points, recorded_at)
            values (@TradeId, @ExchangeCode, @DatasetId, @ReceivingCompany, @ValuationFen, @EquityShareBasisPoints, @RecordedAt)
            on conflict (trade_id) do nothing
            """,
            e with { RecordedAt = e.RecordedAt.ToUniversalTime() }, transaction, cancellationToken: ct));
}

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

        await transaction.CommitAsync(cancellationToken);
        return stored;
    }
}

/// <summary>Training-corpus reports: the latest by as_of per provider/model.</summary>
internal sealed class TrainingCorpusWriter(NpgsqlDataSource dataSource)
{
    /// <summary>Returns the stored report and whether this one was applied (an older one is ignored).</summary>
    public async Task<(bool Applied, ModelCorpusData Stored)> WriteAsync(ModelCorpusData report, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var applied = await connection.ExecuteAsync(new CommandDefinition(
            """
            insert into training_corpus (provider, model, total_tokens, chinese_tokens, as_of)
            values (@Provider, @Model, @TotalTokens, @ChineseTokens, @AsOf)
            on conflict (provider, model) do update set
                total_tokens = excluded.total_tokens, chinese_tokens = excluded.chinese_tokens, as_of = excluded.as_of
            where training_corpus.as_of <= excluded.as_of
            """,
            report with { AsOf = report.AsOf.ToUniversalTime() }, cancellationToken: cancellationToken)) == 1;
        var stored = await connection.QuerySingleAsync<(long Total, long Chinese, DateTime AsOf)>(new CommandDefinition(
            "select total_tokens, chinese_tokens, as_of from training_corpus where provider = @Provider and model = @Model",
            report, cancellationToken: cancellationToken));
        return (applied, report with { TotalTokens = stored.Total, ChineseTokens = stored.Chinese, AsOf = stored.AsOf.ToUniversalTime() });
    }
}
