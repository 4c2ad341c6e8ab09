using Grpc.Core;
using Platform.Infrastructure.Access;
using Microsoft.AspNetCore.Authorization;
using Platform.Catalog.V1;
using Platform.Contracts;
using Platform.Infrastructure.Grpc;
using Platform.Infrastructure.Writes;
using Platform.Audit.V1;
using Platform.Trading.Data;
using Platform.Trading.Domain;
using Platform.Trading.V1;

namespace Platform.Trading.Grpc;

internal sealed class TradingGrpcService(
    ExchangeRepository exchanges,
    ListingRepository listings,
    TradeRepository trades,
    CatalogGateway catalog,
    PageTokens pageTokens,
    WritePath writes,
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
        return (await CreateListingsAsync(WriteCall.Of(context), [new ListingToCreate(0, new(request.RequestId, request), listing!)], ItemNaming.Single, context))[0];
    }

    [Authorize(Policy = Rights.Exchange)]
    [WriteMethod]
    public override async Task<BatchCreateListingsResponse> BatchCreateListings(BatchCreateListingsRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        if (!BatchWrites.Size(request.Requests.Count, violations))
        {
            violations.ThrowIfAny();
        }

        BatchWrites.RequestIds(request.Requests.Select(r => r.RequestId).ToList(), violations);
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
        return new() { Listings = { await CreateListingsAsync(WriteCall.Of(context, nameof(CreateListing)), items, ItemNaming.Batch, context) } };
    }

    /// <summary>
    /// CreateListing for validated items, a single call being a batch of one: items whose request id was used before
    /// are answered from the write path's stored answers; the others need a known exchange and, for a high-quality
    /// dataset, catalog's word that it is CERTIFIED (asked before any transaction opens, so a slow or absent catalog
    /// holds and writes nothing); then one transaction stores them all.
    /// </summary>
    private async Task<Listing[]> CreateListingsAsync(WriteCall call, ListingToCreate[] items, ItemNaming naming, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var responses = await writes.StoredAsync(call, items.Select(i => i.Item).ToArray(), naming, Listing.Parser, ct);
        var fresh = items.Where(i => responses[i.Index] is null).ToList();
        if (fresh.Count == 0)
        {
            return responses!;
        }

        var known = await exchanges.ExistingAsync(fresh.Select(i => i.Listing.ExchangeCode).Distinct().ToArray(), ct);
        if (fresh.FirstOrDefault(i => !known.Contains(i.Listing.ExchangeCode)) is { } unknown)
        {
            throw naming.NotFound(unknown.Index, "Exchange", unknown.Listing.ExchangeCode);
        }

        var toCreate = await WithCatalogFactsAsync(fresh, naming, context);
        var created = await listings.CreateManyAsync(call, toCreate, naming, ct);
        for (var k = 0; k < toCreate.Length; k++)
        {
            responses[toCreate[k].Index] = created[k];
        }

        return responses!;
    }

    /// <summary>
    /// Checks the high-quality items with catalog (one round trip per 100 datasets) and fills in the catalog's name
    /// and volume where the request left them empty.
    /// </summary>
    private async Task<ListingToCreate[]> WithCatalogFactsAsync(List<ListingToCreate> items, ItemNaming naming, ServerCallContext context)
    {
        var datasetIds = items
            .Where(i => i.Listing.ProductKind == ProductKinds.HighQualityDataset)
            .Select(i => i.Listing.DatasetId!.Value)
            .Distinct()
            .ToArray();
        if (datasetIds.Length == 0)
        {
            return [.. items];
        }

        var datasets = await catalog.GetDatasetsAsync(
            datasetIds, id => naming.NotFound(items.First(i => i.Listing.DatasetId == id).Index, "Dataset", id.ToString()), context);
        return items.Select(item =>
        {
            if (item.Listing.ProductKind != ProductKinds.HighQualityDataset)
            {
                return item;
            }

            var datasetId = item.Listing.DatasetId!.Value;
            var dataset = datasets[datasetId];
            if (dataset.Status != CertificationStatus.Certified)
            {
                throw naming.FailedPrecondition(item.Index,
                    $"Dataset '{datasetId}' is {dataset.Status.ToString().ToUpperInvariant()}; only CERTIFIED datasets are listed as high-quality datasets.");
            }

            var listing = item.Listing;
            if (listing.DatasetRevision != 0 && listing.DatasetRevision != dataset.Revision)
            {
                throw naming.FailedPrecondition(item.Index,
                    $"Dataset '{datasetId}' is certified at revision {dataset.Revision}; revision {listing.DatasetRevision} cannot be listed.");
            }

            var volume = listing.ListedVolumeBytes == 0 ? dataset.VolumeBytes : listing.ListedVolumeBytes;
            if (volume <= 0)
            {
                throw naming.FailedPrecondition(item.Index, $"Dataset '{datasetId}' has no volume in the catalog; give listed_volume_bytes.");
            }

            return item with
            {
                Listing = listing with { Name = listing.Name.Length == 0 ? dataset.Name : listing.Name, ListedVolumeBytes = volume, DatasetRevision = dataset.Revision },
            };
        }).ToArray();
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
    public override async Task<Trade> PlaceTrade(PlaceTradeRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: true);
        var listingId = violations.Uuid(request.ListingId, "listing_id", "listing");
        var type = violations.Enum(request.Type, "type", allowUnspecified: false);
        violations.Quantity(request.AmountFen, "amount_fen", Quantities.MaxAmountFen, "fen");
        var buyer = violations.Text(request.Buyer, "buyer", required: false);
        string? company = null;
        int? share = null;
        if (type == TradeType.EquityContribution)
        {
            if (request.Equity is null)
            {
                violations.Add("equity", "is required for an EQUITY_CONTRIBUTION trade");
            }
            else
            {
                company = violations.Text(request.Equity.ReceivingCompany, "equity.receiving_company", required: true);
                share = EquityShare(violations, request.Equity.EquityShareBps, "equity.equity_share_bps");
            }
        }
        else
        {
            violations.Require(request.Equity is null, "equity", "is only for EQUITY_CONTRIBUTION trades");
        }

        var placedAt = BusinessTime.Resolve(request.PlacedAt, time.GetUtcNow(), "placed_at", violations);
        violations.ThrowIfAny();
        await RequireOwnListingAsync(Caller.Of(context), listingId!.Value, context.CancellationToken);

        return await trades.PlaceAsync(
            WriteCall.Of(context), new(request.RequestId, request),
            new NewTrade(listingId!.Value, type!.Value, request.AmountFen, buyer.Length == 0 && company is not null ? company : buyer, company, share, placedAt!.Value),
            context.CancellationToken);
    }

    [Authorize(Policy = Rights.Exchange)]
    [WriteMethod]
    public override async Task<Trade> RecordEquityContribution(RecordEquityContributionRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: true);
        var listingId = violations.Uuid(request.ListingId, "listing_id", "listing");
        var company = violations.Text(request.ReceivingCompany, "receiving_company", required: true);
        violations.Quantity(request.ValuationFen, "valuation_fen", Quantities.MaxAmountFen, "fen");
        var share = EquityShare(violations, request.EquityShareBps, "equity_share_bps");
        var recordedAt = BusinessTime.Resolve(request.RecordedAt, time.GetUtcNow(), "recorded_at", violations);
        violations.ThrowIfAny();
        await RequireOwnListingAsync(Caller.Of(context), listingId!.Value, context.CancellationToken);

        return await trades.PlaceAsync(
            WriteCall.Of(context), new(request.RequestId, request),
            new NewTrade(listingId!.Value, TradeType.EquityContribution, request.ValuationFen, company, company, share, recordedAt!.Value),
            context.CancellationToken);
    }

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
        var period = request.Period is null ? (BusinessPeriod?)null : PeriodOf(violations, request.Period);
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
            period = PeriodOf(violations, request.Period);
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
        violations.RequestIdOf(requestIdValue, required: true);
        var tradeId = violations.Uuid(tradeIdValue, "trade_id", "trade");
        var at = BusinessTime.Resolve(atValue, time.GetUtcNow(), TradeLifecycle.TimeField(step), violations);
        violations.ThrowIfAny();
        var caller = Caller.Of(context);
        if (!caller.IsAdmin && await trades.FindAsync(tradeId!.Value, context.CancellationToken) is { } trade
            && !ExchangeAccess.SeesTradesOf(caller, trade.ExchangeCode))
        {
            throw GrpcErrors.NotFound("Trade", tradeIdValue);
        }

        return await trades.StepAsync(
            WriteCall.Of(context), new(requestIdValue, request), tradeId!.Value, step, at!.Value, amountFen, reason, context.CancellationToken);
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

    private static int? EquityShare(FieldViolations violations, int basisPoints, string field)
    {
        if (basisPoints is < 1 or > Shares.Whole)
        {
            violations.Add(field, "must be between 1 and 10000 basis points");
            return null;
        }

        return basisPoints;
    }

    private static BusinessPeriod? PeriodOf(FieldViolations violations, Period period)
    {
        if (period.Year is < BusinessPeriod.MinYear or > BusinessPeriod.MaxYear)
        {
            violations.Add("period.year", $"must be between {BusinessPeriod.MinYear} and {BusinessPeriod.MaxYear}");
        }

        if (period.Month is < 0 or > 12)
        {
            violations.Add("period.month", "must be 1–12, or 0 for the whole year");
        }

        return BusinessPeriod.IsValid(period.Year, period.Month) ? BusinessPeriod.Of(period.Year, period.Month) : null;
    }
}
