using Platform.Infrastructure.Outbox;

namespace Platform.Infrastructure.UnitTests;

public sealed class OutboxLingerTests
{
    private static readonly OutboxOptions Options = new() { BatchSize = 200, Linger = TimeSpan.FromMilliseconds(20) };

    [Fact]
    public void APartBatchLingersSoThatTheNextPassFindsMore() =>
        Assert.Equal(TimeSpan.FromMilliseconds(20), Options.LingerAfter(relayed: 7));

    [Fact]
    public void AnEmptyPassDoesNotLingerSoAnEventAfterAQuietSpellGoesOutAtOnce() =>
        Assert.Equal(TimeSpan.Zero, Options.LingerAfter(relayed: 0));

    [Fact]
    public void AFullBatchDoesNotLingerSoABacklogDrainsAtFullSpeed() =>
        Assert.Equal(TimeSpan.Zero, Options.LingerAfter(relayed: 200));

    [Fact]
    public void ZeroTurnsItOff() =>
        Assert.Equal(TimeSpan.Zero, new OutboxOptions { Linger = TimeSpan.Zero }.LingerAfter(relayed: 7));
}
