using CsCheck;
using Platform.Infrastructure.Postgres;

namespace Platform.Infrastructure.UnitTests;

public sealed class UuidV7Tests
{
    [Fact]
    public void BatchIdsAreDistinctVersion7AndAscendInTextOrder() =>
        Gen.Int[1, 600].Sample(count =>
        {
            var ids = UuidV7.Ascending(count, new DateTimeOffset(2025, 6, 30, 12, 0, 0, TimeSpan.Zero));

            Assert.Equal(count, ids.Distinct().Count());
            Assert.All(ids, id => Assert.Equal(7, id.Version));
            // PostgreSQL orders uuids by their bytes, as their canonical text sorts.
            Assert.Equal(ids.Select(id => id.ToString()).Order(StringComparer.Ordinal), ids.Select(id => id.ToString()));
        }, iter: 200);

    [Fact]
    public void IdsCarryTheGivenTimestamp()
    {
        var at = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var id = UuidV7.Ascending(1, at)[0];

        Assert.StartsWith(at.ToUnixTimeMilliseconds().ToString("x12"), id.ToString("N"));
    }
}
