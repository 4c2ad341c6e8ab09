using Npgsql;
using NpgsqlTypes;
using Platform.Contracts;
using static Platform.Metrics.Data.BatchStatements;

namespace Platform.Metrics.Data;

/// <summary>
/// Stores what trading's events say about listings, settled trades and equity contributions, the records H3, H4 and H5
/// are computed from: upserts by the listing or trade id, inside the consumer's inbox transaction, with multi-row
/// statements (<see cref="BatchStatements"/>).
/// </summary>
internal static class TradingEventWriter
{
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

    /// <summary>A trade settles once: a redelivery is ignored.</summary>
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
}
