namespace Platform.LoadTest.UnitTests;

public sealed class CountTrackerTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ReturnsTheFirstObservationAfterTheMarkThatReachesTheLevel()
    {
        var tracker = new CountTracker();
        tracker.Observe(5, 100);
        var mark = tracker.Mark();
        tracker.Observe(5, 200);
        tracker.Observe(6, 300);
        tracker.Observe(7, 400);

        Assert.Equal(300, await tracker.FirstAtLeastAsync(6, mark, Long));
        Assert.Equal(400, await tracker.FirstAtLeastAsync(7, mark, Long));
    }

    [Fact]
    public async Task IgnoresObservationsBeforeTheMark()
    {
        var tracker = new CountTracker();
        tracker.Observe(9, 100);
        var mark = tracker.Mark();

        Assert.Null(await tracker.FirstAtLeastAsync(6, mark, TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public async Task WaitsForAnObservationThatReachesTheLevel()
    {
        var tracker = new CountTracker();
        tracker.Observe(1, 100);
        var mark = tracker.Mark();
        var waiting = tracker.FirstAtLeastAsync(2, mark, Long);
        tracker.Observe(1, 200);
        Assert.False(waiting.IsCompleted);

        tracker.Observe(2, 300);

        Assert.Equal(300, await waiting);
        Assert.Equal(2, tracker.Latest);
    }

    [Fact]
    public async Task GivesUpAfterTheTimeout()
    {
        var tracker = new CountTracker();
        Assert.Null(tracker.Latest);

        Assert.Null(await tracker.FirstAtLeastAsync(1, tracker.Mark(), TimeSpan.FromMilliseconds(50)));
    }
}
