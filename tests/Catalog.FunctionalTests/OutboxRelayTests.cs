using Dapper;
using Npgsql;
using Platform.Catalog.V1;
using Platform.Testing;

namespace Platform.Catalog.FunctionalTests;

/// <summary>The outbox relay as the catalog runs it, against the real database and broker.</summary>
[Collection(CatalogCollection.Name)]
public sealed class OutboxRelayTests(CatalogFixture fixture)
{
    [Fact]
    public async Task RegisteredDatasetsEventIsPublishedAndMarked()
    {
        var dataset = await fixture.Client.RegisterDatasetAsync(new RegisterDatasetRequest { RequestId = Guid.NewGuid().ToString(), Name = "relay", VolumeBytes = 10 });

        var publishedAt = await Eventually.Returns(
            () => PublishedAtAsync(dataset.Id),
            at => at is not null,
            because: "the relay publishes the committed event and marks it");

        Assert.NotNull(publishedAt);
    }

    [Fact]
    public async Task AMessageThatCanNeverBePublishedIsSetAsideWithoutBlockingTheOthers()
    {
        var poison = Guid.CreateVersion7();
        await using (var connection = new NpgsqlConnection(fixture.ConnectionString))
        {
            await connection.ExecuteAsync(
                "insert into outbox_messages (id, message_type, payload) values (@poison, 'Platform.Contracts.NoSuchEvent', '{}'::jsonb)",
                new { poison });
        }

        var dataset = await fixture.Client.RegisterDatasetAsync(new RegisterDatasetRequest { RequestId = Guid.NewGuid().ToString(), Name = "after poison", VolumeBytes = 10 });

        await Eventually.Returns(() => PublishedAtAsync(dataset.Id), at => at is not null, because: "messages behind the bad one still go out");
        await using var check = new NpgsqlConnection(fixture.ConnectionString);
        var (failedAt, publishedAt, error) = await check.QuerySingleAsync<(DateTime?, DateTime?, string?)>(
            "select failed_at, published_at, last_error from outbox_messages where id = @poison", new { poison });
        Assert.NotNull(failedAt);
        Assert.Null(publishedAt);
        Assert.Contains("unknown message type", error);
    }

    private async Task<DateTime?> PublishedAtAsync(string datasetId)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        return await connection.QuerySingleOrDefaultAsync<DateTime?>(
            "select published_at from outbox_messages where payload->>'datasetId' = @datasetId", new { datasetId });
    }
}
