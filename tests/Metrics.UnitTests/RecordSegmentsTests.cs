using Platform.Metrics.Data;

namespace Platform.Metrics.UnitTests;

public sealed class RecordSegmentsTests
{
    [Fact]
    public void ARepeatedKeyStartsANewSegmentSoEachAggregateKeepsItsOrder()
    {
        (string Key, int Order)[] events = [("a", 1), ("b", 2), ("a", 3), ("c", 4), ("a", 5), ("b", 6)];

        var segments = BatchStatements.Segments(events, e => e.Key);

        Assert.Equal([[1, 2], [3, 4], [5, 6]], segments.Select(s => s.Select(e => e.Order).ToArray()).ToArray());
    }

    [Fact]
    public void DistinctKeysMakeOneSegment()
    {
        var segments = BatchStatements.Segments([1, 2, 3], e => e);

        Assert.Equal([1, 2, 3], Assert.Single(segments));
    }
}
