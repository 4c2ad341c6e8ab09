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

/// <summary>
/// A lifecycle step asked for by a caller: <paramref name="At"/> is its business time (already checked not to be in the
/// future); <paramref name="AmountFen"/> for ConfirmPayment the paid amount, or null to keep the placed amount.
/// </summary>
internal sealed record Stepping(WriteItem Item, Caller Caller, Guid TradeId, TradeStep Step, DateTimeOffset At, long? AmountFen, string? Reason);

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
    /// serialised; an unknown trade, or one of another exchange than the caller's, is NOT_FOUND.
    /// </summary>
    public async Task<Trade> StepAsync(WriteCall call, Stepping stepping, CancellationToken cancellationToken) =>
        (await writes.RunAsync(call, [stepping], s => s.Item, ItemNaming.Single, Trade.Parser, _stepping, cancellationToken))[0];

    /// <summary>
    /// Takes the steps of concurrent calls together, in rounds of one step per trade (a trade's n-th step of the run in
    /// round n, checked against the trade as the step before left it): one lock of every trade, then per round one
    /// update and one outbox insert for the settled trades.
    /// </summary>
    private readonly BatchWork<Stepping, Trade> _stepping = new(async (connection, transaction, steps) =>
    {
        var current = (await connection.QueryAsync<TradeRow>(new CommandDefinition(
            $"select {TradeRow.Columns} from trades where id = any(@ids) order by id for update",
            new { ids = steps.Select(s => s.TradeId).Distinct().ToArray() }, transaction))).ToDictionary(t => t.Id);
        var written = new Written<Trade>[steps.Count];
        foreach (var round in BatchWork.Rounds(steps, s => s.TradeId))
        {
            var next = round.Select(k => Next(current.GetValueOrDefault(steps[k].TradeId), steps[k])).ToArray();
            var at = (TradeStep step) => round.Select(k => steps[k].Step == step ? steps[k].At : (DateTimeOffset?)null).ToArray();
            var updated = (await connection.QueryAsync<TradeRow>(new CommandDefinition(
                $"""
                update trades set status = u.next_status, paid_at = coalesce(u.paid, paid_at), delivered_at = coalesce(u.delivered, delivered_at),
                    settled_at = coalesce(u.settled, settled_at), cancelled_at = coalesce(u.cancelled, cancelled_at),
                    amount_fen = coalesce(u.amount, amount_fen), cancel_reason = coalesce(u.reason, cancel_reason)
                from unnest(@ids, @statuses, @paid, @delivered, @settled, @cancelled, @amounts, @reasons)
                    as u(trade_id, next_status, paid, delivered, settled, cancelled, amount, reason)
                where id = u.trade_id
                returning {TradeRow.Columns}
                """,
                new
                {
                    ids = round.Select(k => steps[k].TradeId).ToArray(),
                    statuses = next.Select(n => (short)n).ToArray(),
                    paid = at(TradeStep.ConfirmPayment),
                    delivered = at(TradeStep.ConfirmDelivery),
                    settled = at(TradeStep.Settle),
                    cancelled = at(TradeStep.Cancel),
                    amounts = round.Select(k => TradeLifecycle.AmountMayChange((TradeStatus)current[steps[k].TradeId].Status) ? steps[k].AmountFen : null).ToArray(),
                    reasons = round.Select(k => steps[k].Reason).ToArray(),
                },
                transaction))).ToDictionary(t => t.Id);
            var settled = round.Where(k => updated[steps[k].TradeId].Status == (short)TradeStatus.Settled).ToArray();
            await outbox.EnqueueManyAsync(connection, transaction, settled.Select(k => (Trade: updated[steps[k].TradeId], steps[k].At)).Select(s =>
                new TradeSettled(s.Trade.Id, s.Trade.ListingId, s.Trade.ExchangeCode, s.Trade.TradeType, s.Trade.ProductKind, s.Trade.DatasetId, s.Trade.AmountFen, s.At)).ToArray(),
                CancellationToken.None, items: settled);
            foreach (var k in round)
            {
                written[k] = Written(updated[steps[k].TradeId], current[steps[k].TradeId]);
            }

            foreach (var trade in updated.Values)
            {
                current[trade.Id] = trade;
            }
        }

        return written;
    });

    /// <summary>The status a step leads the trade to; refused when the trade is unknown or not the caller's, or the step illegal or early.</summary>
    private static TradeStatus Next(TradeRow? trade, Stepping step)
    {
        if (trade is null || !ExchangeAccess.SeesTradesOf(step.Caller, trade.ExchangeCode))
        {
            throw Refusal.NotFound("Trade", step.TradeId.ToString());
        }

        var current = (TradeStatus)trade.Status;
        var next = TradeLifecycle.Next(current, step.Step)
            ?? throw Refusal.FailedPrecondition($"Cannot {TradeLifecycle.Describe(step.Step)} trade '{trade.Id}': it is {current.ToString().ToUpperInvariant()}.");
        return step.At < trade.LastStepAt ? throw FieldViolations.Single(TradeLifecycle.TimeField(step.Step), "must not be before the trade's previous step") : next;
    }

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

    /// <summary>A write's answer for one trade, with its change from <paramref name="before"/> (none: placed) for its history.</summary>
    private static Written<Trade> Written(TradeRow row, TradeRow? before)
    {
        var trade = row.ToMessage();
        return new(trade, [trade.Id, row.ListingId.ToString()], row.ExchangeCode, Changes: [new RecordChange(trade.Id, before?.ToMessage(), trade)]);
    }
}
