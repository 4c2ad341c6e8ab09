using Platform.Trading.V1;

namespace Platform.Trading.Domain;

/// <summary>A step of a trade's lifecycle, named as the request that asks for it.</summary>
internal enum TradeStep
{
    ConfirmPayment,
    ConfirmDelivery,
    Settle,
    Cancel,
}

/// <summary>PLACED -> PAID -> DELIVERED -> SETTLED, or CANCELLED from PLACED or PAID (not once delivered).</summary>
internal static class TradeLifecycle
{
    /// <summary>The status <paramref name="step"/> leads to from <paramref name="current"/>, or null when the step is illegal there.</summary>
    public static TradeStatus? Next(TradeStatus current, TradeStep step) => (current, step) switch
    {
        (TradeStatus.Placed, TradeStep.ConfirmPayment) => TradeStatus.Paid,
        (TradeStatus.Paid, TradeStep.ConfirmDelivery) => TradeStatus.Delivered,
        (TradeStatus.Delivered, TradeStep.Settle) => TradeStatus.Settled,
        (TradeStatus.Placed or TradeStatus.Paid, TradeStep.Cancel) => TradeStatus.Cancelled,
        _ => null,
    };

    /// <summary>The request field that carries the step's business time.</summary>
    public static string TimeField(TradeStep step) => step switch
    {
        TradeStep.ConfirmPayment => "paid_at",
        TradeStep.ConfirmDelivery => "delivered_at",
        TradeStep.Settle => "settled_at",
        TradeStep.Cancel => "cancelled_at",
        _ => throw new ArgumentOutOfRangeException(nameof(step)),
    };

    /// <summary>The amount may change only up to payment: ConfirmPayment may fix the paid amount, then it is frozen.</summary>
    public static bool AmountMayChange(TradeStatus current) => current == TradeStatus.Placed;

    public static string Describe(TradeStep step) => step switch
    {
        TradeStep.ConfirmPayment => "confirm payment of",
        TradeStep.ConfirmDelivery => "confirm delivery of",
        TradeStep.Settle => "settle",
        TradeStep.Cancel => "cancel",
        _ => step.ToString(),
    };
}
