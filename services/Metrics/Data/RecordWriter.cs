using Dapper;
using Npgsql;
using NpgsqlTypes;
using Platform.Contracts;

namespace Platform.Metrics.Data;

/// <summary>
/// Stores the records the indicators are computed from. Event handlers upsert by aggregate id and keep the latest
/// state whatever order the events arrive in; they run inside the consumer's inbox transaction. Each takes a batch
/// of events in delivery order and writes it with multi-row statements (one round trip): the events are cut into
/// segments in which every id appears once (a multi-row upsert may not touch a row twice), applied in order, so
/// the result is the same as applying the events one by one.
/// </summary>
internal static class RecordWriter
{
    private const string FactColumns =
        "name, domain, modality, volume_bytes, record_count, token_count, province, provider_organisation, annotation_base_code";

    private const string FactValues =
        "u.name, u.domain, u.modality, u.volume_bytes, u.record_count, u.token_count, u.province, u.provider_organisation, u.annotation_base_code";

    private const string FactUpdates =
        """
        facts_at = excluded.facts_at, name = excluded.name, domain = excluded.domain, modality = excluded.modality,
        volume_bytes = excluded.volume_bytes, record_count = excluded.record_count, token_count = excluded.token_count,
        province = excluded.province, provider_organisation = excluded.provider_organisation,
        annotation_base_code = excluded.annotation_base_code
        """;

    public static Task DatasetRegisteredAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<DatasetRegistered> events, CancellationToken ct) =>
        UpsertFactsAsync(connection, transaction, events, e => new DatasetRow(e.DatasetId, e.Facts, e.RegisteredAt, null, null),
            "registered_at", "u.at", "registered_at = least(datasets.registered_at, excluded.registered_at)", ct);

    /// <summary>
    /// The first certification starts the dataset's count (H1); every certified revision is kept (H2 as of a day), and
    /// the latest one's facts are the dataset's (H2 now).
    /// </summary>
    public static async Task DatasetCertifiedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<DatasetCertified> events, CancellationToken ct)
    {
        await UpsertFactsAsync(connection, transaction, events, e => new DatasetRow(e.DatasetId, e.Facts, e.CertifiedAt, e.CertificateNumber, null),
            "certified_at, certificate_number", "u.at, u.certificate_number",
            "certified_at = least(datasets.certified_at, excluded.certified_at), certificate_number = coalesce(datasets.certificate_number, excluded.certificate_number)",
            ct);
        await WriteAsync(connection, transaction, events, e => (e.DatasetId, e.Revision), segment =>
        [
            Unnest(
                """
                insert into certified_revisions (dataset_id, revision, certified_at, volume_bytes)
                select u.dataset_id, u.revision, u.certified_at, u.volume_bytes from {rows} order by u.dataset_id, u.revision
                on conflict (dataset_id, revision) do nothing
                """,
                Column("dataset_id", NpgsqlDbType.Uuid, segment, e => e.DatasetId),
                Column("revision", NpgsqlDbType.Integer, segment, e => e.Revision),
                Column("certified_at", NpgsqlDbType.TimestampTz, segment, e => e.CertifiedAt.UtcDateTime),
                Column("volume_bytes", NpgsqlDbType.Bigint, segment, e => e.Facts.VolumeBytes)),
        ], ct);
    }

    public static Task DatasetUpdatedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<DatasetUpdated> events, CancellationToken ct) =>
        UpsertFactsAsync(connection, transaction, events, e => new DatasetRow(e.DatasetId, e.Facts, e.UpdatedAt, null, e.Status),
            "status", "u.status", "status = case when excluded.facts_at >= datasets.facts_at then excluded.status else datasets.status end", ct);

    /// <summary>A retirement may arrive before anything else about the dataset: it leaves a tombstone with placeholder facts.</summary>
    public static Task DatasetRetiredAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<DatasetRetired> events, CancellationToken ct) =>
        WriteAsync(connection, transaction, events, e => e.DatasetId, segment =>
        [
            Unnest(
                """
                insert into datasets (dataset_id, retired_at, facts_at, name, domain, modality, volume_bytes, record_count, token_count, province, provider_organisation)
                select u.dataset_id, u.retired_at, '-infinity', '', '', '', 0, 0, 0, '', '' from {rows} order by u.dataset_id
                on conflict (dataset_id) do update set retired_at = greatest(datasets.retired_at, excluded.retired_at)
                """,
                Column("dataset_id", NpgsqlDbType.Uuid, segment, e => e.DatasetId),
                Column("retired_at", NpgsqlDbType.TimestampTz, segment, e => e.RetiredAt.UtcDateTime)),
        ], ct);

    private readonly record struct DatasetRow(Guid Id, DatasetFacts Facts, DateTimeOffset At, string? CertificateNumber, string? Status);

    private static Task UpsertFactsAsync<T>(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<T> events, Func<T, DatasetRow> row,
        string lifecycleColumns, string lifecycleValues, string lifecycleUpdate, CancellationToken ct)
    {
        var rows = events.Select(row).ToList();
        return WriteAsync(connection, transaction, rows, r => r.Id, segment =>
        {
            NpgsqlParameter[] columns =
            [
                Column("dataset_id", NpgsqlDbType.Uuid, segment, r => r.Id),
                Column("at", NpgsqlDbType.TimestampTz, segment, r => r.At.UtcDateTime),
                Column("certificate_number", NpgsqlDbType.Text, segment, r => r.CertificateNumber),
                Column("status", NpgsqlDbType.Text, segment, r => r.Status),
                Column("name", NpgsqlDbType.Text, segment, r => r.Facts.Name),
                Column("domain", NpgsqlDbType.Text, segment, r => r.Facts.Domain),
                Column("modality", NpgsqlDbType.Text, segment, r => r.Facts.Modality),
                Column("volume_bytes", NpgsqlDbType.Bigint, segment, r => r.Facts.VolumeBytes),
                Column("record_count", NpgsqlDbType.Bigint, segment, r => r.Facts.RecordCount),
                Column("token_count", NpgsqlDbType.Bigint, segment, r => r.Facts.TokenCount),
                Column("province", NpgsqlDbType.Text, segment, r => r.Facts.Province),
                Column("provider_organisation", NpgsqlDbType.Text, segment, r => r.Facts.ProviderOrganisation),
                Column("annotation_base_code", NpgsqlDbType.Text, segment, r => r.Facts.AnnotationBaseCode),
            ];

            // The lifecycle column always merges; the descriptive facts only when this event is at least as new.
            return
            [
                Unnest(
                    $$"""
                    insert into datasets (dataset_id, {{lifecycleColumns}}, facts_at, {{FactColumns}})
                    select u.dataset_id, {{lifecycleValues}}, u.at, {{FactValues}} from {rows} order by u.dataset_id
                    on conflict (dataset_id) do update set {{lifecycleUpdate}}
                    """,
                    columns),
                Unnest(
                    $$"""
                    insert into datasets (dataset_id, facts_at, {{FactColumns}})
                    select u.dataset_id, u.at, {{FactValues}} from {rows} order by u.dataset_id
                    on conflict (dataset_id) do update set {{FactUpdates}} where datasets.facts_at <= excluded.facts_at
                    """,
                    columns),
            ];
        }, ct);
    }

    public static Task ListingCreatedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<ListingCreated> events, CancellationToken ct) =>
        WriteAsync(connection, transaction, events, e => e.ListingId, segment =>
        [
            Unnest(
                """
                insert into listings (listing_id, exchange_code, product_kind, dataset_id, listed_volume_bytes, listed_at)
                select u.listing_id, u.exchange_code, u.product_kind, u.dataset_id, u.listed_volume_bytes, u.listed_at from {rows} order by u.listing_id
                on conflict (listing_id) do update set
                    exchange_code = excluded.exchange_code, product_kind = excluded.product_kind, dataset_id = excluded.dataset_id,
                    listed_volume_bytes = excluded.listed_volume_bytes, listed_at = excluded.listed_at
                """,
                Column("listing_id", NpgsqlDbType.Uuid, segment, e => e.ListingId),
                Column("exchange_code", NpgsqlDbType.Text, segment, e => e.ExchangeCode),
                Column("product_kind", NpgsqlDbType.Text, segment, e => e.ProductKind),
                Column("dataset_id", NpgsqlDbType.Uuid, segment, e => e.DatasetId),
                Column("listed_volume_bytes", NpgsqlDbType.Bigint, segment, e => e.ListedVolumeBytes),
                Column("listed_at", NpgsqlDbType.TimestampTz, segment, e => e.ListedAt.UtcDateTime)),
        ], ct);

    /// <summary>A delisting that arrives before its creation leaves a tombstone, so the creation does not make it live.</summary>
    public static Task ListingDelistedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<ListingDelisted> events, CancellationToken ct) =>
        WriteAsync(connection, transaction, events, e => e.ListingId, segment =>
        [
            Unnest(
                """
                insert into listings (listing_id, exchange_code, product_kind, dataset_id, listed_volume_bytes, delisted_at, delist_reason)
                select u.listing_id, u.exchange_code, u.product_kind, u.dataset_id, u.listed_volume_bytes, u.delisted_at, u.reason from {rows} order by u.listing_id
                on conflict (listing_id) do update set delisted_at = excluded.delisted_at, delist_reason = excluded.delist_reason
                """,
                Column("listing_id", NpgsqlDbType.Uuid, segment, e => e.ListingId),
                Column("exchange_code", NpgsqlDbType.Text, segment, e => e.ExchangeCode),
                Column("product_kind", NpgsqlDbType.Text, segment, e => e.ProductKind),
                Column("dataset_id", NpgsqlDbType.Uuid, segment, e => e.DatasetId),
                Column("listed_volume_bytes", NpgsqlDbType.Bigint, segment, e => e.ListedVolumeBytes),
                Column("delisted_at", NpgsqlDbType.TimestampTz, segment, e => e.DelistedAt.UtcDateTime),
                Column("reason", NpgsqlDbType.Text, segment, e => e.Reason)),
        ], ct);

    /// <summary>An evaluation is recorded once and never changes: a redelivery is ignored.</summary>
    public static Task EvaluationRecordedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EvaluationRecorded> events, CancellationToken ct) =>
        WriteAsync(connection, transaction, events, e => e.EvaluationId, segment =>
        [
            Unnest(
                """
                insert into evaluations (evaluation_id, dataset_id, domain, modality, annotated, metric, uplift_bp, evaluated_at)
                select u.evaluation_id, u.dataset_id, u.domain, u.modality, u.annotated, u.metric, u.uplift_bp, u.evaluated_at from {rows} order by u.evaluation_id
                on conflict (evaluation_id) do nothing
                """,
                Column("evaluation_id", NpgsqlDbType.Uuid, segment, e => e.EvaluationId),
                Column("dataset_id", NpgsqlDbType.Uuid, segment, e => e.DatasetId),
                Column("domain", NpgsqlDbType.Text, segment, e => e.Domain),
                Column("modality", NpgsqlDbType.Text, segment, e => e.Modality),
                Column("annotated", NpgsqlDbType.Boolean, segment, e => e.Annotated),
                Column("metric", NpgsqlDbType.Text, segment, e => e.Metric),
                Column("uplift_bp", NpgsqlDbType.Integer, segment, e => e.UpliftBp),
                Column("evaluated_at", NpgsqlDbType.TimestampTz, segment, e => e.EvaluatedAt.UtcDateTime)),
        ], ct);

    public static Task TradeSettledAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<TradeSettled> events, CancellationToken ct) =>
        WriteAsync(connection, transaction, events, e => e.TradeId, segment =>
        [
            Unnest(
                """
                insert into trades (trade_id, listing_id, exchange_code, trade_type, product_kind, dataset_id, amount_fen, settled_at)
                select u.trade_id, u.listing_id, u.exchange_code, u.trade_type, u.product_kind, u.dataset_id, u.amount_fen, u.settled_at from {rows} order by u.trade_id
                on conflict (trade_id) do nothing
                """,
                Column("trade_id", NpgsqlDbType.Uuid, segment, e => e.TradeId),
                Column("listing_id", NpgsqlDbType.Uuid, segment, e => e.ListingId),
                Column("exchange_code", NpgsqlDbType.Text, segment, e => e.ExchangeCode),
                Column("trade_type", NpgsqlDbType.Text, segment, e => e.TradeType),
                Column("product_kind", NpgsqlDbType.Text, segment, e => e.ProductKind),
                Column("dataset_id", NpgsqlDbType.Uuid, segment, e => e.DatasetId),
                Column("amount_fen", NpgsqlDbType.Bigint, segment, e => e.AmountFen),
                Column("settled_at", NpgsqlDbType.TimestampTz, segment, e => e.SettledAt.UtcDateTime)),
        ], ct);

    public static Task EquityContributionRecordedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EquityContributionRecorded> events, CancellationToken ct) =>
        WriteAsync(connection, transaction, events, e => e.TradeId, segment =>
        [
            Unnest(
                """
                insert into equity_contributions (trade_id, exchange_code, dataset_id, receiving_company, valuation_fen, equity_share_basis_points, recorded_at)
                select u.trade_id, u.exchange_code, u.dataset_id, u.receiving_company, u.valuation_fen, u.equity_share_basis_points, u.recorded_at from {rows} order by u.trade_id
                on conflict (trade_id) do nothing
                """,
                Column("trade_id", NpgsqlDbType.Uuid, segment, e => e.TradeId),
                Column("exchange_code", NpgsqlDbType.Text, segment, e => e.ExchangeCode),
                Column("dataset_id", NpgsqlDbType.Uuid, segment, e => e.DatasetId),
                Column("receiving_company", NpgsqlDbType.Text, segment, e => e.ReceivingCompany),
                Column("valuation_fen", NpgsqlDbType.Bigint, segment, e => e.ValuationFen),
                Column("equity_share_basis_points", NpgsqlDbType.Integer, segment, e => e.EquityShareBasisPoints),
                Column("recorded_at", NpgsqlDbType.TimestampTz, segment, e => e.RecordedAt.UtcDateTime)),
        ], ct);

    /// <summary>
    /// Cuts events (in delivery order) into consecutive segments in which no key repeats: a later event about the same
    /// aggregate starts a new segment, so per aggregate the events are still applied in order.
    /// </summary>
    internal static List<List<T>> Segments<T, TKey>(IReadOnlyList<T> events, Func<T, TKey> key)
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
    private static async Task WriteAsync<T, TKey>(
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
    private static NpgsqlBatchCommand Unnest(string sql, params NpgsqlParameter[] columns)
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

    private static NpgsqlParameter Column<T, TValue>(string name, NpgsqlDbType type, List<T> rows, Func<T, TValue> value) =>
        new(name, NpgsqlDbType.Array | type) { Value = rows.Select(value).ToArray() };
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
