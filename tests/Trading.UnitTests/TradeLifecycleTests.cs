using Platform.Trading.Domain;
using Platform.Trading.V1;

namespace Platform.Trading.UnitTests;

public sealed class TradeLifecycleTests
{
    [Theory]
    [InlineData(TradeStatus.Placed, (int)TradeStep.ConfirmPayment, TradeStatus.Paid)]
    [InlineData(TradeStatus.Paid, (int)TradeStep.ConfirmDelivery, TradeStatus.Delivered)]
    [InlineData(TradeStatus.Delivered, (int)TradeStep.Settle, TradeStatus.Settled)]
    [InlineData(TradeStatus.Placed, (int)TradeStep.Cancel, TradeStatus.Cancelled)]
    [InlineData(TradeStatus.Paid, (int)TradeStep.Cancel, TradeStatus.Cancelled)]
    public void LegalStepsLeadToTheNextStatus(TradeStatus from, int step, TradeStatus to) =>
        Assert.Equal(to, TradeLifecycle.Next(from, (TradeStep)step));

    [Theory]
    [InlineData(TradeStatus.Placed, (int)TradeStep.ConfirmDelivery)]
    [InlineData(TradeStatus.Placed, (int)TradeStep.Settle)]
    [InlineData(TradeStatus.Paid, (int)TradeStep.ConfirmPayment)]
    [InlineData(TradeStatus.Paid, (int)TradeStep.Settle)]
    [InlineData(TradeStatus.Delivered, (int)TradeStep.Cancel)]
    [InlineData(TradeStatus.Delivered, (int)TradeStep.ConfirmPayment)]
    [InlineData(TradeStatus.Settled, (int)TradeStep.Cancel)]
    [InlineData(TradeStatus.Settled, (int)TradeStep.Settle)]
    [InlineData(TradeStatus.Cancelled, (int)TradeStep.ConfirmPayment)]
    [InlineData(TradeStatus.Cancelled, (int)TradeStep.Cancel)]
    public void IllegalStepsHaveNoNextStatus(TradeStatus from, int step) =>
        Assert.Null(TradeLifecycle.Next(from, (TradeStep)step));

    [Theory]
    [InlineData(TradeStatus.Placed, true)]
    [InlineData(TradeStatus.Paid, false)]
    [InlineData(TradeStatus.Delivered, false)]
    [InlineData(TradeStatus.Settled, false)]
    public void AmountIsFrozenOncePaid(TradeStatus status, bool mayChange) =>
        Assert.Equal(mayChange, TradeLifecycle.AmountMayChange(status));
}
