using System.Diagnostics.Metrics;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Infrastructure.Retention;

namespace Platform.Catalog.FunctionalTests;

[Collection(CatalogCollection.Name)]
public sealed class RetentionTests(CatalogFixture fixture)
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private async Task AgeRequestAsync(string requestId, TimeSpan age)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.ExecuteAsync("update write_requests set created_at = @at where request_id = @requestId",
            new { requestId, at = fixture.Time.GetUtcNow() - age });
    }

    private async Task<long> CountAsync(string sql, object parameters)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        return await connection.ExecuteScalarAsync<long>(sql, parameters);
    }

    [Fact]
    public async Task PruningKeepsRequestIdsInsideTheWindowAndForgetsOlderOnes()
    {
        var inside = Datasets.ChestCt();
        var outside = Datasets.ChestCt();
        var first = await fixture.Client.RegisterDatasetAsync(inside);
        var forgotten = await fixture.Client.RegisterDatasetAsync(outside);
        await AgeRequestAsync(inside.RequestId, 7 * Day - TimeSpan.FromMinutes(1));
        await AgeRequestAsync(outside.RequestId, 7 * Day + TimeSpan.FromMinutes(1));

        var report = await fixture.Services.GetRequiredService<RetentionPruner>().PruneAsync(CancellationToken.None);

        var requests = Assert.Single(report, t => t.Table == "write_requests");
        Assert.True(requests.Deleted >= 1);
        Assert.Equal(await CountAsync("select count(*) from write_requests", new { }), requests.Rows);
        // A retry inside the window replays the first answer and registers nothing.
        Assert.Equal(first, await fixture.Client.RegisterDatasetAsync(inside));
        Assert.Equal(1, await CountAsync("select count(*) from write_requests where request_id = @id", new { id = inside.RequestId }));
        // The id older than the window is gone: the same request now registers anew.
        Assert.Equal(0, await CountAsync("select count(*) from write_requests where request_id = @id", new { id = outside.RequestId }));
        var again = await fixture.Client.RegisterDatasetAsync(outside);
        Assert.NotEqual(forgotten.Id, again.Id);
    }

    [Fact]
    public async Task PruningDeletesOldPublishedOutboxRowsAndOldInboxIdsButNeverAnUnpublishedRow()
    {
        var now = fixture.Time.GetUtcNow();
        var (oldPublished, recentPublished, oldUnpublished) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var (oldProcessed, recentProcessed) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await using (var connection = new NpgsqlConnection(fixture.ConnectionString))
        {
            await connection.ExecuteAsync(
                """
                insert into outbox_messages (id, message_type, payload, created_at, published_at) values
                    (@oldPublished, 'Platform.Contracts.DatasetRegistered', '{}', @longAgo, @longAgo),
                    (@recentPublished, 'Platform.Contracts.DatasetRegistered', '{}', @longAgo, @recently),
                    (@oldUnpublished, 'Platform.Contracts.NoSuchEvent', '{}', @longAgo, null);
                insert into processed_messages (consumer, message_id, processed_at) values
                    ('RetentionTests', @oldProcessed, @longAgo), ('RetentionTests', @recentProcessed, @recently);
                """,
                new { oldPublished, recentPublished, oldUnpublished, oldProcessed, recentProcessed, longAgo = now - 30 * Day, recently = now - TimeSpan.FromHours(20) });
        }

        var gauges = new Dictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Platform.Retention")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => gauges[instrument.Name] = value);
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => gauges[instrument.Name] = value);
        listener.Start();

        var report = await fixture.Services.GetRequiredService<RetentionPruner>().PruneAsync(CancellationToken.None);

        Assert.Equal(0, await CountAsync("select count(*) from outbox_messages where id = @oldPublished", new { oldPublished }));
        Assert.Equal(1, await CountAsync("select count(*) from outbox_messages where id = @recentPublished", new { recentPublished }));
        Assert.Equal(1, await CountAsync("select count(*) from outbox_messages where id = @oldUnpublished", new { oldUnpublished }));
        Assert.Equal(0, await CountAsync("select count(*) from processed_messages where message_id = @oldProcessed", new { oldProcessed }));
        Assert.Equal(1, await CountAsync("select count(*) from processed_messages where message_id = @recentProcessed", new { recentProcessed }));

        // The gauges show what the pass measured: the unpublished row 30 days old is the outbox's oldest.
        var outbox = Assert.Single(report, t => t.Table == "outbox_messages");
        Assert.Equal(now - 30 * Day, outbox.Oldest!.Value, TimeSpan.FromMilliseconds(1));
        listener.RecordObservableInstruments();
        Assert.Equal(outbox.Rows, gauges["platform.outbox.rows"]);
        Assert.Equal((30 * Day).TotalSeconds, gauges["platform.outbox.oldest_age"], 1.0);
        Assert.Equal(Assert.Single(report, t => t.Table == "processed_messages").Rows, gauges["platform.inbox.rows"]);
        Assert.True(gauges.ContainsKey("platform.write_requests.oldest_age"));
        Assert.Equal(Assert.Single(report, t => t.Table == "audit_events").Rows, gauges["platform.audit_events.rows"]);
        Assert.True(gauges.ContainsKey("platform.audit_events.oldest_age"));
    }

    [Fact]
    public async Task AuditEventsAreKeptFor400DaysAndThenDeleted()
    {
        var now = fixture.Time.GetUtcNow();
        var (kept, expired) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await using (var connection = new NpgsqlConnection(fixture.ConnectionString))
        {
            await connection.ExecuteAsync(
                """
                insert into audit_events (id, occurred_at, caller, method, outcome)
                values (@kept, @keptAt, 'retention-test', 'RegisterDataset', 'OK'), (@expired, @expiredAt, 'retention-test', 'RegisterDataset', 'OK')
                """,
                new { kept, keptAt = now - 399 * Day, expired, expiredAt = now - 401 * Day });
        }

        var report = await fixture.Services.GetRequiredService<RetentionPruner>().PruneAsync(CancellationToken.None);

        Assert.True(Assert.Single(report, t => t.Table == "audit_events").Deleted >= 1);
        Assert.Equal(1, await CountAsync("select count(*) from audit_events where id = @kept", new { kept }));
        Assert.Equal(0, await CountAsync("select count(*) from audit_events where id = @expired", new { expired }));
    }
}
