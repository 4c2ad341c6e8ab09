using Google.Protobuf.WellKnownTypes;
using Platform.Infrastructure.Grpc;
using Platform.Trading.Data;
using Platform.Trading.Domain;
using Platform.Trading.V1;

namespace Platform.Trading.Grpc;

/// <summary>
/// Trading's trade requests checked field by field and turned into what the repository takes; each throws
/// INVALID_ARGUMENT naming every violated field.
/// </summary>
internal static class TradeRequests
{
    public static NewTrade Trade(PlaceTradeRequest request, DateTimeOffset now)
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

        var placedAt = BusinessTime.Resolve(request.PlacedAt, now, "placed_at", violations);
        violations.ThrowIfAny();
        return new NewTrade(listingId!.Value, type!.Value, request.AmountFen, buyer.Length == 0 && company is not null ? company : buyer, company, share, placedAt!.Value);
    }

    public static NewTrade EquityContribution(RecordEquityContributionRequest request, DateTimeOffset now)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: true);
        var listingId = violations.Uuid(request.ListingId, "listing_id", "listing");
        var company = violations.Text(request.ReceivingCompany, "receiving_company", required: true);
        violations.Quantity(request.ValuationFen, "valuation_fen", Quantities.MaxAmountFen, "fen");
        var share = EquityShare(violations, request.EquityShareBps, "equity_share_bps");
        var recordedAt = BusinessTime.Resolve(request.RecordedAt, now, "recorded_at", violations);
        violations.ThrowIfAny();
        return new NewTrade(listingId!.Value, TradeType.EquityContribution, request.ValuationFen, company, company, share, recordedAt!.Value);
    }

    /// <summary>A step of a placed trade: its id and business time, with the step's own fields' <paramref name="violations"/>.</summary>
    public static (Guid TradeId, DateTimeOffset At) Step(string requestId, string tradeId, TradeStep step, Timestamp? at, DateTimeOffset now, FieldViolations violations)
    {
        violations.RequestIdOf(requestId, required: true);
        var id = violations.Uuid(tradeId, "trade_id", "trade");
        var resolved = BusinessTime.Resolve(at, now, TradeLifecycle.TimeField(step), violations);
        violations.ThrowIfAny();
        return (id!.Value, resolved!.Value);
    }

    public static BusinessPeriod? Period(FieldViolations violations, Period period)
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

    private static int? EquityShare(FieldViolations violations, int basisPoints, string field)
    {
        if (basisPoints is < 1 or > Shares.Whole)
        {
            violations.Add(field, "must be between 1 and 10000 basis points");
            return null;
        }

        return basisPoints;
    }
}
