using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Platform.Audit.V1;
using Platform.Infrastructure.Access;
using Platform.Infrastructure.Errors;
using Platform.Infrastructure.Grpc;
using Platform.Infrastructure.Writes;
using Platform.Trading.Data;
using Platform.Trading.Domain;
using Platform.Trading.V1;

namespace Platform.Trading.Grpc;

internal sealed class TradingGrpcService(
    ExchangeRepository exchanges,
    ListingRepository listings,
    TradeRepository trades,
    ListingCreation creation,
    PageTokens pageTokens,
    AuditTrail audit, HistoryTrail history,
    TimeProvider time) : TradingService.TradingServiceBase
{
    [AllowAnonymous]
    public override async Task<ListExchangesResponse> ListExchanges(ListExchangesRequest request, ServerCallContext context)
    {
        var rows = await exchanges.ListAsync(context.CancellationToken);
        return new ListExchangesResponse { Exchanges = { rows.Select(r => r.ToMessage()) } };
    }

    [Authorize(Policy = Rights.Admin)]
    [WriteMethod]
    public override async Task<Exchange> CreateExchange(CreateExchangeRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: false);
        var code = violations.ExchangeCode(request.Code, "code", required: true, exact: true);
        var name = violations.Text(request.Name, "name", required: true);
        var localName = violations.Text(request.LocalName, "local_name", required: false);
        var province = violations.Text(request.Province, "province", required: true);
        violations.ThrowIfAny();

        return await exchanges.CreateAsync(WriteCall.Of(context), new(request.RequestId, request),
            new ExchangeRow(code!, name, localName, province, request.EquityPilot, default), context.CancellationToken);
    }

    [Authorize(Policy = Rights.Exchange)]
    [WriteMethod]
    public override async Task<Listing> CreateListing(CreateListingRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: true);
        var listing = ListingValidation.Listing(request, time.GetUtcNow(), violations);
        violations.ThrowIfAny();
        ExchangeAccess.RequireOwn(Caller.Of(context), listing!.ExchangeCode);
        return (await creation.CreateAsync(WriteCall.Of(context), [new ListingToCreate(0, new(request.RequestId, request), listing!)], ItemNaming.Single, context))[0];
    }

    [Authorize(Policy = Rights.Exchange)]
    [WriteMethod]
    public override async Task<BatchCreateListingsResponse> BatchCreateListings(BatchCreateListingsRequest request, ServerCallContext context)
    {
        var violations = BatchWrites.Violations(request.Requests.Select(r => r.RequestId).ToList());
        var now = time.GetUtcNow();
        var listings = request.Requests.Select((r, i) => ListingValidation.Listing(r, now, violations, ItemNaming.Batch.Prefix(i))).ToArray();
        ListingValidation.DistinctListings(listings, violations);
        violations.ThrowIfAny();
        var caller = Caller.Of(context);
        foreach (var code in listings.Select(l => l!.ExchangeCode).Distinct())
        {
            ExchangeAccess.RequireOwn(caller, code);
        }

        var items = request.Requests.Select((r, i) => new ListingToCreate(i, new(r.RequestId, r), listings[i]!)).ToArray();
        return new() { Listings = { await creation.CreateAsync(WriteCall.Of(context, nameof(CreateListing)), items, ItemNaming.Batch, context) } };
    }

    [AllowAnonymous]
    public override async Task<Listing> GetListing(GetListingRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        var id = violations.Uuid(request.Id, "id", "listing");
        violations.ThrowIfAny();
        var row = await listings.FindAsync(id!.Value, context.CancellationToken) ?? throw GrpcErrors.NotFound("Listing", request.Id);
        return row.ToMessage();
    }

    [AllowAnonymous]
    public override async Task<ListListingsResponse> ListListings(ListListingsRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        var exchangeCode = violations.ExchangeCode(request.ExchangeCode, "exchange_code", required: false);
        var kind = violations.Enum(request.ProductKind, "product_kind", allowUnspecified: true);
        var status = violations.Enum(request.Status, "status", allowUnspecified: true);
        var datasetId = violations.OptionalUuid(request.DatasetId, "dataset_id", "dataset");
        var pageSize = PageSize.Of(request.PageSize, violations);
        var pageQuery = PageQuery.Of(nameof(ListListings), exchangeCode, kind, status, datasetId);
        var after = pageTokens.Decode(request.PageToken, pageQuery, violations);
        violations.ThrowIfAny();

        var rows = await listings.ListAsync(
            new ListingFilter(exchangeCode, kind is { } k ? Names.Of(k) : null, status, datasetId), after, pageSize + 1, context.CancellationToken);
        var response = new ListListingsResponse { Listings = { rows.Take(pageSize).Select(r => r.ToMessage()) } };
        if (rows.Count > pageSize)
        {
            var last = rows[pageSize - 1];
            response.NextPageToken = pageTokens.Encode(pageQuery, new PageKey(last.ListedAt, last.Id));
        }

        return response;
    }

    [Authorize(Policy = Rights.Exchange)]
    [WriteMethod]
    public override async Task<Listing> Delist(DelistRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: false);
        var id = violations.Uuid(request.Id, "id", "listing");
        var reason = violations.Text(request.Reason, "reason", required: false);
        var delistedAt = BusinessTime.Resolve(request.DelistedAt, time.GetUtcNow(), "delisted_at", violations);
        violations.ThrowIfAny();
        await RequireOwnListingAsync(Caller.Of(context), id!.Value, context.CancellationToken);

        return await listings.DelistAsync(WriteCall.Of(context), new(request.RequestId, request),
            id!.Value, reason.Length == 0 ? ListingRepository.DelistedByProvider : reason, delistedAt!.Value, context.CancellationToken);
    }

    [Authorize(Policy = Rights.Exchange)]
    [WriteMethod]
    public override Task<Trade> PlaceTrade(PlaceTradeRequest request, ServerCallContext context) =>
        trades.PlaceAsync(WriteCall.Of(context), new(request.RequestId, request), TradeRequests.Trade(request, time.GetUtcNow()), context.CancellationToken);

    [Authorize(Policy = Rights.Exchange)]
    [WriteMethod]
    public override Task<Trade> RecordEquityContribution(RecordEquityContributionRequest request, ServerCallContext context) =>
        trades.PlaceAsync(WriteCall.Of(context), new(request.RequestId, request), TradeRequests.EquityContribution(request, time.GetUtcNow()), context.CancellationToken);

    [Authorize(Policy = Rights.Exchange)]
    [WriteMethod]
    public override Task<Trade> ConfirmPayment(ConfirmPaymentRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.Quantity(request.AmountFen, "amount_fen", Quantities.MaxAmountFen, "fen", allowZero: true); // 0 keeps the placed amount
        return StepAsync(request, request.RequestId, request.TradeId, TradeStep.ConfirmPayment, request.PaidAt,
            request.AmountFen > 0 ? request.AmountFen : null, null, violations, context);
    }

    [Authorize(Policy = Rights.Exchange)]
    [WriteMethod]
    public override Task<Trade> ConfirmDelivery(ConfirmDeliveryRequest request, ServerCallContext context) =>
        StepAsync(request, request.RequestId, request.TradeId, TradeStep.ConfirmDelivery, request.DeliveredAt, null, null, new FieldViolations(), context);

    [Authorize(Policy = Rights.Exchange)]
    [WriteMethod]
    public override Task<Trade> SettleTrade(SettleTradeRequest request, ServerCallContext context) =>
        StepAsync(request, request.RequestId, request.TradeId, TradeStep.Settle, request.SettledAt, null, null, new FieldViolations(), context);

    [Authorize(Policy = Rights.Exchange)]
    [WriteMethod]
    public override Task<Trade> CancelTrade(CancelTradeRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        var reason = violations.Text(request.Reason, "reason", required: false);
        return StepAsync(request, request.RequestId, request.TradeId, TradeStep.Cancel, request.CancelledAt, null, reason.Length == 0 ? null : reason, violations, context);
    }

    [Authorize(Policy = Rights.Exchange)]
    public override async Task<Trade> GetTrade(GetTradeRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        var id = violations.Uuid(request.Id, "id", "trade");
        violations.ThrowIfAny();
        var row = await trades.FindAsync(id!.Value, context.CancellationToken);
        return row is not null && ExchangeAccess.SeesTradesOf(Caller.Of(context), row.ExchangeCode)
            ? row.ToMessage()
            : throw GrpcErrors.NotFound("Trade", request.Id);
    }

    [Authorize(Policy = Rights.Exchange)]
    public override async Task<ListTradesResponse> ListTrades(ListTradesRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        var exchangeCode = violations.ExchangeCode(request.ExchangeCode, "exchange_code", required: false);
        var type = violations.Enum(request.Type, "type", allowUnspecified: true);
        var status = violations.Enum(request.Status, "status", allowUnspecified: true);
        var kind = violations.Enum(request.ProductKind, "product_kind", allowUnspecified: true);
        var period = request.Period is null ? (BusinessPeriod?)null : TradeRequests.Period(violations, request.Period);
        var pageSize = PageSize.Of(request.PageSize, violations);
        // An exchange lists its own trades; no exchange_code means its own.
        exchangeCode = ExchangeAccess.Scope(Caller.Of(context), exchangeCode);
        var pageQuery = PageQuery.Of(nameof(ListTrades), exchangeCode, type, status, kind, period?.Start.UtcTicks);
        var after = pageTokens.Decode(request.PageToken, pageQuery, violations);
        violations.ThrowIfAny();

        var rows = await trades.ListAsync(
            new TradeFilter(exchangeCode, type, status, kind is { } k ? Names.Of(k) : null, period), after, pageSize + 1, context.CancellationToken);
        var response = new ListTradesResponse { Trades = { rows.Take(pageSize).Select(r => r.ToMessage()) } };
        if (rows.Count > pageSize)
        {
            var last = rows[pageSize - 1];
            response.NextPageToken = pageTokens.Encode(pageQuery, new PageKey(last.PlacedAt, last.Id));
        }

        return response;
    }

    /// <summary>Trading's audit trail; an exchange sees its own calls and the events of its listings and trades.</summary>
    [Authorize(Policy = Rights.Authenticated)]
    public override Task<ListAuditEventsResponse> ListAuditEvents(ListAuditEventsRequest request, ServerCallContext context) =>
        audit.ListAsync(request, Caller.Of(context), context.CancellationToken);

    /// <summary>A record's history; an exchange sees its own changes and those of its listings and trades.</summary>
    [Authorize(Policy = Rights.Authenticated)]
    public override Task<Platform.History.V1.ListHistoryResponse> ListHistory(Platform.History.V1.ListHistoryRequest request, ServerCallContext context) =>
        history.ListAsync(request, Caller.Of(context), context.CancellationToken);

    [AllowAnonymous]
    public override async Task<ExchangeStats> GetExchangeStats(GetExchangeStatsRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        var exchangeCode = violations.ExchangeCode(request.ExchangeCode, "exchange_code", required: false);
        BusinessPeriod? period = null;
        if (request.Period is null)
        {
            violations.Add("period", Fields.Required);
        }
        else
        {
            period = TradeRequests.Period(violations, request.Period);
        }

        violations.ThrowIfAny();
        if (exchangeCode is not null)
        {
            _ = await exchanges.FindAsync(exchangeCode, context.CancellationToken) ?? throw GrpcErrors.NotFound("Exchange", exchangeCode);
        }

        var stats = await trades.StatsAsync(exchangeCode, period!.Value, context.CancellationToken);
        return stats.ToMessage(exchangeCode, request.Period!);
    }

    private async Task<Trade> StepAsync(
        Google.Protobuf.IMessage request, string requestIdValue, string tradeIdValue, TradeStep step, Google.Protobuf.WellKnownTypes.Timestamp? atValue, long? amountFen, string? reason,
        FieldViolations violations, ServerCallContext context)
    {
        var (tradeId, at) = TradeRequests.Step(requestIdValue, tradeIdValue, step, atValue, time.GetUtcNow(), violations);
        return await trades.StepAsync(
            WriteCall.Of(context), new(new(requestIdValue, request), Caller.Of(context), tradeId, step, at, amountFen, reason), context.CancellationToken);
    }

    /// <summary>
    /// An exchange acts only on listings of its own exchange: checked on the stored listing (an unknown id is left to
    /// the write to answer NOT_FOUND). Administrators skip the read.
    /// </summary>
    private async Task RequireOwnListingAsync(Caller caller, Guid listingId, CancellationToken cancellationToken)
    {
        if (!caller.IsAdmin && await listings.FindAsync(listingId, cancellationToken) is { } listing)
        {
            ExchangeAccess.RequireOwn(caller, listing.ExchangeCode);
        }
    }
}
