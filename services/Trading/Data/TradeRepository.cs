using Dapper;
using Npgsql;
using Platform.Contracts;
using Platform.Infrastructure.Errors;
using Platform.Infrastructure.Grpc;
using Platform.Infrastructure.Access;
using Platform.Infrastructure.Writes;
using Platform.Trading.Grpc;
using Platform.Trading.Domain;
using Platform.Trading.V1;

namespace Platform.Trading.Data;

internal sealed record NewTrade(Guid ListingId, TradeType Type, long AmountFen, string Buyer, string? ReceivingCompany, int? EquityShareBps, DateTimeOffset PlacedAt);

internal sealed record TradeFilter(string? ExchangeCode, TradeType? Type, TradeStatus? Status, string? ProductKind, BusinessPeriod? PlacedIn);

internal sealed class TradeRepository(NpgsqlDataSource dataSource, WritePath writes, Infrastructure.Outbox.Outbox outbox, TimeProvider time)
{
    public async Task<TradeRow?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<TradeRow>(new CommandDefinition(
            $"select {TradeRow.Columns} from trades where id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Places a trade on an active listing of the caller's exchange, through the write path. An equity contribution
    /// writes its <see cref="EquityContributionRecorded"/> event in the same transaction.
    /// </summary>
    public async Task<Trade> PlaceAsync(WriteCall call, WriteItem item, NewTrade trade, CancellationToken cancellationToken) =>
        (await writes.RunAsync(call, [new Placement(item, trade, call.Caller)], p => p.Item, ItemNaming.Single, Trade.Parser, _placing, cancellationToken))[0];

    /// <summary>A trade to place and who places it: an exchange's client places trades on its own exchange's listings only.</summary>
    private sealed record Placement(WriteItem Item, NewTrade Trade, Caller Caller);

    /// <summary>Places the trades of concurrent calls together: one query for their listings, one for the equity pilots, one insert.</summary>
    private readonly BatchWork<Placement, Trade> _placing = new(async (connection, transaction, placements) =>
    {
        // "for share" keeps the listings from being delisted while trades are being placed on them.
        var listings = (await connection.QueryAsync<ListingRow>(new CommandDefinition(
            $"select {ListingRow.Columns} from listings where id = any(@ids) order by id for share",
            new { ids = placements.Select(p => p.Trade.ListingId).Distinct().ToArray() }, transaction))).ToDictionary(l => l.Id);
        var equityExchanges = placements.Where(p => p.Trade.Type == TradeType.EquityContribution && listings.ContainsKey(p.Trade.ListingId))
            .Select(p => listings[p.Trade.ListingId].ExchangeCode).Distinct().ToArray();
        var pilots = equityExchanges.Length == 0 ? [] : (await connection.QueryAsync<string>(new CommandDefinition(
            "select code from exchanges where code = any(@equityExchanges) and equity_pilot", new { equityExchanges }, transaction))).ToHashSet();
        foreach (var (_, trade, caller) in placements)
        {
            var listing = listings.GetValueOrDefault(trade.ListingId) ?? throw Refusal.NotFound("Listing", trade.ListingId.ToString());
            ExchangeAccess.RequireOwn(caller, listing.ExchangeCode);
            if (listing.Status != (short)ListingStatus.Active)
            {
                throw Refusal.FailedPrecondition($"Listing '{listing.Id}' is delisted; trades are only placed on active listings.");
            }

            if (trade.Type == TradeType.EquityContribution && !pilots.Contains(listing.ExchangeCode))
            {
                throw Refusal.FailedPrecondition(
                    $"Exchange '{listing.ExchangeCode}' does not run the data-corpus equity-contribution pilot (数据语料作价入股).");
            }

            if (trade.PlacedAt < listing.ListedAt)
            {
                throw FieldViolations.Single(trade.Type == TradeType.EquityContribution ? "recorded_at" : "placed_at", "must not be before the listing's listed_at");
            }
        }

        var trades = placements.Select(p => p.Trade).ToArray();
        var of = trades.Select(t => listings[t.ListingId]).ToArray();
        var ids = Infrastructure.Postgres.UuidV7.Ascending(trades.Length);
        var inserted = (await connection.QueryAsync<TradeRow>(new CommandDefinition(
            $"""
            insert into trades (id, listing_id, exchange_code, trade_type, status, product_kind, dataset_id, amount_fen,
                                buyer, receiving_company, equity_share_bps, placed_at, created_at)
            select t.id, t.listing_id, t.exchange_code, t.trade_type, @placed, t.product_kind, t.dataset_id, t.amount_fen,
                   t.buyer, t.receiving_company, t.equity_share_bps, t.placed_at, @now
            from unnest(@ids, @listingIds, @exchangeCodes, @tradeTypes, @productKinds, @datasetIds, @amounts,
                        @buyers, @receivingCompanies, @equityShares, @placedAts)
                as t(id, listing_id, exchange_code, trade_type, product_kind, dataset_id, amount_fen,
                     buyer, receiving_company, equity_share_bps, placed_at)
            returning {TradeRow.Columns}
            """,
            new
            {
                ids,
                listingIds = of.Select(l => l.Id).ToArray(),
                exchangeCodes = of.Select(l => l.ExchangeCode).ToArray(),
                tradeTypes = trades.Select(t => Names.Of(t.Type)).ToArray(),
                placed = (short)TradeStatus.Placed,
                productKinds = of.Select(l => l.ProductKind).ToArray(),
                datasetIds = of.Select(l => l.DatasetId).ToArray(),
                amounts = trades.Select(t => t.AmountFen).ToArray(),
                buyers = trades.Select(t => t.Buyer).ToArray(),
                receivingCompanies = trades.Select(t => t.ReceivingCompany).ToArray(),
                equityShares = trades.Select(t => t.EquityShareBps).ToArray(),
                placedAts = trades.Select(t => t.PlacedAt).ToArray(),
                now = time.GetUtcNow(),
            },
            transaction))).ToDictionary(t => t.Id);
        var equity = Enumerable.Range(0, trades.Length).Where(k => trades[k].Type == TradeType.EquityContribution).ToArray();
        await outbox.EnqueueManyAsync(connection, transaction,
            equity.Select(k => new EquityContributionRecorded(inserted[ids[k]].Id, inserted[ids[k]].ExchangeCode, inserted[ids[k]].DatasetId,
                trades[k].ReceivingCompany!, trades[k].AmountFen, trades[k].EquityShareBps!.Value, trades[k].PlacedAt)).ToArray(),
            CancellationToken.None, items: equity);
        return ids.Select(id => Written(inserted[id], null)).ToArray();
    });

    /// <summary>
    /// Takes one lifecycle step through the write path. The trade row is locked first, so concurrent steps are
    /// serialised; an unknown trade is NOT_FOUND.
    /// </summary>
    /// <param name="at">The business time of the step (already checked not to be in the future).</param>
    /// <param name="amountFen">For ConfirmPayment: the paid amount, or null to keep the placed amount.</param>
    public Task<Trade> StepAsync(
        WriteCall call, WriteItem item, Guid tradeId, TradeStep step, DateTimeOffset at, long? amountFen, string? reason, CancellationToken cancellationToken) =>
        writes.RunAsync(call, item, Trade.Parser, async (connection, transaction) =>
        {
            var trade = await connection.QuerySingleOrDefaultAsync<TradeRow>(new CommandDefinition(
                $"select {TradeRow.Columns} from trades where id = @tradeId for update", new { tradeId }, transaction, cancellationToken: cancellationToken))
                ?? throw Refusal.NotFound("Trade", tradeId.ToString());
            var current = (TradeStatus)trade.Status;
            var next = TradeLifecycle.Next(current, step)
                ?? throw Refusal.FailedPrecondition(
                    $"Cannot {TradeLifecycle.Describe(step)} trade '{trade.Id}': it is {current.ToString().ToUpperInvariant()}.");
            if (at < trade.LastStepAt)
            {
                throw FieldViolations.Single(TradeLifecycle.TimeField(step), "must not be before the trade's previous step");
            }

            var timeColumn = step switch
            {
                TradeStep.ConfirmPayment => "paid_at",
                TradeStep.ConfirmDelivery => "delivered_at",
                TradeStep.Settle => "settled_at",
                _ => "cancelled_at",
            };
            var updated = await connection.QuerySingleAsync<TradeRow>(new CommandDefinition(
                $"""
                update trades set status = @next, {timeColumn} = @at,
                    amount_fen = coalesce(@amountFen, amount_fen),
                    cancel_reason = coalesce(@reason, cancel_reason)
                where id = @tradeId
                returning {TradeRow.Columns}
                """,
                new
                {
                    tradeId,
                    next = (short)next,
                    at,
                    amountFen = TradeLifecycle.AmountMayChange(current) ? amountFen : null,
                    reason,
                },
                transaction,
                cancellationToken: cancellationToken));
            if (next == TradeStatus.Settled)
            {
                await outbox.EnqueueAsync(connection, transaction,
                    new TradeSettled(updated.Id, updated.ListingId, updated.ExchangeCode, updated.TradeType, updated.ProductKind, updated.DatasetId, updated.AmountFen, at),
                    cancellationToken);
            }

            return Written(updated, trade);
        }, cancellationToken);

    /// <summary>One page in (placed_at, id) order, after <paramref name="after"/>.</summary>
    public Task<IReadOnlyList<TradeRow>> ListAsync(TradeFilter filter, PageKey? after, int limit, CancellationToken cancellationToken)
    {
        var query = new KeysetQuery(TradeRow.Columns, "trades", "placed_at")
            .Equal("exchange_code", filter.ExchangeCode)
            .Equal("trade_type", filter.Type is { } type ? Names.Of(type) : null)
            .Equal("status", filter.Status is { } status ? (short)status : null)
            .Equal("product_kind", filter.ProductKind);
        if (filter.PlacedIn is { } period)
        {
            query.Where("placed_at >= @start and placed_at < @end", new { start = period.Start, end = period.End });
        }

        return query.PageAsync<TradeRow>(dataSource, after, limit, cancellationToken);
    }

    /// <summary>
    /// Amounts of the trades settled in the period (by settlement time) and the volume of the listings active at
    /// its end: listed before it and not delisted by then. For a period not yet over that is the listings active now.
    /// </summary>
    public async Task<StatsRow> StatsAsync(string? exchangeCode, BusinessPeriod period, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<StatsRow>(new CommandDefinition(
            """
            select t.total as total_amount_fen, t.high_quality as high_quality_amount_fen, t.trade_count,
                   l.total as listed_volume_bytes, l.high_quality as high_quality_listed_volume_bytes
            from (
                select coalesce(sum(amount_fen), 0) as total,
                       coalesce(sum(amount_fen) filter (where product_kind = @highQuality), 0) as high_quality,
                       count(*) as trade_count
                from trades
                where status = @settled and settled_at >= @start and settled_at < @end
                  and (@exchangeCode::text is null or exchange_code = @exchangeCode)
            ) t, (
                select coalesce(sum(listed_volume_bytes), 0) as total,
                       coalesce(sum(listed_volume_bytes) filter (where product_kind = @highQuality), 0) as high_quality
                from listings
                where listed_at < @end and (delisted_at is null or delisted_at >= @end)
                  and (@exchangeCode::text is null or exchange_code = @exchangeCode)
            ) l
            """,
            new
            {
                exchangeCode,
                highQuality = ProductKinds.HighQualityDataset,
                settled = (short)TradeStatus.Settled,
                start = period.Start,
                end = period.End,
            },
            cancellationToken: cancellationToken));
    }

    /// <summary>A trade's answer: the trade, its id and its listing's as the resources, its exchange as their owner.</summary>
    /// <summary>A write's answer for one trade, with its change from <paramref name="before"/> (none: placed) for its history.</summary>
    private static Written<Trade> Written(TradeRow row, TradeRow? before)
    {
        var trade = row.ToMessage();
        return new(trade, [trade.Id, row.ListingId.ToString()], row.ExchangeCode, Changes: [new RecordChange(trade.Id, before?.ToMessage(), trade)]);
    }
}
