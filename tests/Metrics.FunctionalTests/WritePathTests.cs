using Google.Protobuf.WellKnownTypes;
using Platform.Audit.V1;
using Platform.Metrics.V1;
using Platform.Testing;

namespace Platform.Metrics.FunctionalTests;

/// <summary>The write path's promise for every metrics write (see <see cref="WritePromise"/>), and the metrics audit trail.</summary>
[Collection(MetricsCollection.Name)]
public sealed class WritePathTests(MetricsFixture fixture)
{
    private MetricsService.MetricsServiceClient Client => fixture.Host.Client;

    private static string NewId() => Guid.NewGuid().ToString();

    [Fact]
    public async Task ReportTokenUsageBatch()
    {
        var provider = Events.Unique("write-path");
        var request = new ReportTokenUsageBatchRequest
        {
            RequestId = NewId(),
            Usages = { new TokenUsage { Provider = provider, Model = "m", Day = "2008-08-08", Tokens = 10 } },
        };

        var first = await WritePromise.HoldsAsync(
            async r => await Client.ReportTokenUsageBatchAsync(r), request,
            async _ => await Client.ReportTokenUsageBatchAsync(new ReportTokenUsageBatchRequest
            {
                Usages = { new TokenUsage { Provider = provider, Model = "m", Day = "2008-08-08", Tokens = 20 } },
            }),
            r => r.Usages[0].Tokens = 30);

        Assert.Equal((1, 1), (first.Received, first.Stored));
    }

    [Fact]
    public async Task ReportTrainingCorpus()
    {
        var provider = Events.Unique("write-path");
        var asOf = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-2));
        var first = await WritePromise.HoldsAsync(
            async r => await Client.ReportTrainingCorpusAsync(r),
            new ReportTrainingCorpusRequest { RequestId = NewId(), Provider = provider, Model = "m", TotalTokens = 10, ChineseTokens = 7, AsOf = asOf },
            async _ => await Client.ReportTrainingCorpusAsync(new ReportTrainingCorpusRequest
            {
                Provider = provider, Model = "m", TotalTokens = 10, ChineseTokens = 2, AsOf = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1)),
            }),
            r => r.ChineseTokens = 8);

        Assert.Equal(7, first.Model.ChineseTokens);
    }

    [Fact]
    public async Task RebuildIndicatorsIsAuditedAndItsRetryAnswersTheFirstFigures()
    {
        var request = new RebuildIndicatorsRequest { RequestId = NewId() };
        var first = await Client.RebuildIndicatorsAsync(request);
        await Client.ReportTokenUsageBatchAsync(new ReportTokenUsageBatchRequest
        {
            Usages = { new TokenUsage { Provider = Events.Unique("rebuild"), Model = "m", Day = "2009-09-09", Tokens = 1 } },
        });

        Assert.Equal(first, await Client.RebuildIndicatorsAsync(request));
        var rebuilt = Assert.Single((await Client.ListAuditEventsAsync(new ListAuditEventsRequest { Method = "RebuildIndicators", ClientId = "test-admin" })).Events,
            e => e.RequestId == request.RequestId);
        Assert.Equal("OK", rebuilt.Outcome);
    }

    [Fact]
    public async Task AStreamIsOneEventAndAReporterSeesOnlyItsOwnCalls()
    {
        var reporterId = "audit-reporter-" + NewId()[..8];
        var reporter = fixture.Host.ClientWith(TestTokens.Mint(reporterId, ["reporter"]));
        using (var call = reporter.ReportTokenUsage())
        {
            await call.RequestStream.WriteAsync(new ReportTokenUsageRequest { Usages = { new TokenUsage { Provider = Events.Unique("stream"), Model = "m", Day = "2010-10-10", Tokens = 5 } } });
            await call.RequestStream.WriteAsync(new ReportTokenUsageRequest { Usages = { new TokenUsage { Provider = Events.Unique("stream"), Model = "m", Day = "2010-10-11", Tokens = 6 } } });
            await call.RequestStream.CompleteAsync();
            await call;
        }

        var invalid = new ReportTokenUsageBatchRequest { RequestId = NewId(), Usages = { new TokenUsage { Provider = "p", Model = "m", Day = "not a day", Tokens = 1 } } };
        await GrpcAssert.FailsWith(global::Grpc.Core.StatusCode.InvalidArgument, async () => await reporter.ReportTokenUsageBatchAsync(invalid));
        await GrpcAssert.FailsWith(global::Grpc.Core.StatusCode.PermissionDenied, async () => await reporter.RebuildIndicatorsAsync(new RebuildIndicatorsRequest()));

        var own = (await reporter.ListAuditEventsAsync(new ListAuditEventsRequest())).Events;
        Assert.Equal(["RebuildIndicators PERMISSION_DENIED", "ReportTokenUsageBatch INVALID_ARGUMENT", "ReportTokenUsage OK"], own.Select(e => $"{e.Method} {e.Outcome}"));
        Assert.Equal(invalid.RequestId, own[1].RequestId);
        Assert.All(own, e => Assert.Equal(reporterId, e.ClientId));
        Assert.DoesNotContain(own, e => e.ClientId == "test-admin");
    }

    [Fact]
    public async Task ReportsFeedTheDomainMetersOncePerCommittedReport()
    {
        using var meters = new MeterRecorder(fixture.Host.Services);
        var batch = new ReportTokenUsageBatchRequest
        {
            RequestId = NewId(),
            Usages =
            {
                new TokenUsage { Provider = Events.Unique("meters"), Model = "m", Day = "2011-11-11", Tokens = 1_000_000_000_000_000 },
                new TokenUsage { Provider = Events.Unique("meters"), Model = "m", Day = "2011-11-12", Tokens = 7 },
            },
        };
        await Client.ReportTokenUsageBatchAsync(batch);
        await Client.ReportTokenUsageBatchAsync(batch);
        using (var call = Client.ReportTokenUsage())
        {
            await call.RequestStream.WriteAsync(new ReportTokenUsageRequest { Usages = { new TokenUsage { Provider = Events.Unique("meters"), Model = "m", Day = "2011-11-13", Tokens = 5 } } });
            await call.RequestStream.CompleteAsync();
            await call;
        }

        Assert.Equal(3, meters.Sum("platform.metrics.reports", ("platform.report.kind", "token_usage")));
        Assert.Equal(1_000_000_000_000_012, meters.Sum("platform.metrics.reported_tokens"));
        Assert.Equal(1, meters.Sum("platform.metrics.writes", ("rpc.method", "ReportTokenUsageBatch"), ("outcome", "REPLAYED")));
    }

    [Fact]
    public async Task FigureReadsAreCountedByTheTierThatAnsweredThem()
    {
        using var meters = new MeterRecorder(fixture.Host.Services);
        await Client.RebuildIndicatorsAsync(new RebuildIndicatorsRequest { RequestId = NewId() });
        await Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest());
        await Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest());

        // The rebuild dropped every cached value and computed the figures again; the reads after it are answered from memory.
        Assert.True(meters.Sum("platform.metrics.cache.reads", ("platform.cache.tier", "computed")) >= 1);
        Assert.True(meters.Sum("platform.metrics.cache.reads", ("platform.cache.tier", "local")) >= 2);
    }

    [Fact]
    public async Task ClearingTheCacheMakesTheNextReadComputeTheFiguresAndIsAudited()
    {
        await Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest());
        using var meters = new MeterRecorder(fixture.Host.Services);

        var cleared = await Client.ClearHeadlineCacheAsync(new ClearHeadlineCacheRequest());
        await Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest());
        await Client.GetHeadlineIndicatorsAsync(new GetHeadlineIndicatorsRequest());

        // The first read after the clear computed the figures, the second was answered from memory.
        Assert.NotNull(cleared.ClearedAt);
        Assert.True(meters.Sum("platform.metrics.cache.reads", ("platform.cache.tier", "computed")) >= 1);
        Assert.True(meters.Sum("platform.metrics.cache.reads", ("platform.cache.tier", "local")) >= 1);
        Assert.Equal(1, meters.Sum("platform.metrics.writes", ("rpc.method", "ClearHeadlineCache"), ("outcome", "OK")));
        var audit = await Client.ListAuditEventsAsync(new ListAuditEventsRequest { Method = "ClearHeadlineCache", PageSize = 1 });
        Assert.Equal("OK", Assert.Single(audit.Events).Outcome);
    }

    [Fact]
    public void TheseAndOnlyTheseMethodsAreWrites() =>
        Assert.Equal(["ClearHeadlineCache", "PruneRetention", "RebuildIndicators", "ReportTokenUsage", "ReportTokenUsageBatch", "ReportTrainingCorpus"], WriteMethods.Of(fixture.Host.Services));
}
