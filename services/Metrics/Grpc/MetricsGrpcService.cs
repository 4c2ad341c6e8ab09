using System.Diagnostics;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Platform.Audit.V1;
using Platform.Infrastructure.Access;
using Platform.Infrastructure.Grpc;
using Platform.Infrastructure.Writes;
using Platform.Metrics.Caching;
using Platform.Metrics.Computation;
using Platform.Metrics.Data;
using Platform.Metrics.Indicators;
using Platform.Metrics.Telemetry;
using Platform.Metrics.V1;

namespace Platform.Metrics.Grpc;

[BindServiceMethod(typeof(HeadlineBinding), nameof(HeadlineBinding.BindService))]
internal sealed class MetricsGrpcService(
    IndicatorReader reader,
    WriteMeters meters,
    MetricsMeters domainMeters,
    StaleIndicators stale,
    ChangeSignal changes,
    TokenUsageWriter tokenUsage,
    WritePath writes,
    AuditTrail audit,
    Microsoft.Extensions.Options.IOptions<CacheOptions> cacheOptions,
    IHostApplicationLifetime lifetime,
    TimeProvider time) : MetricsService.MetricsServiceBase
{
    /// <summary>Streamed reports are merged into PostgreSQL in batches of this many distinct keys in all ...</summary>
    internal const int IngestBatchSize = 50_000;

    /// <summary>... spread over this many connections working side by side.</summary>
    internal const int IngestLanes = 2;

    private const string EarlierStored = " (reports of earlier messages may already be stored; re-sending them replaces them)";

    /// <summary><c>GetHeadlineIndicators</c>, bound by <see cref="HeadlineBinding"/> to send the snapshot's serialised bytes.</summary>
    [AllowAnonymous]
    public async Task<SerializedHeadline> GetHeadlineSnapshot(GetHeadlineIndicatorsRequest request, ServerCallContext context)
    {
        var asOf = RequestValidation.ValidateHeadline(request, time);
        return (await reader.GetHeadlineAsync(asOf, context.CancellationToken)).Bytes(request.View);
    }

    /// <summary><c>GetHeadlineIndicators</c> as a message: for the JSON route (gRPC calls are answered by <see cref="GetHeadlineSnapshot"/>).</summary>
    [AllowAnonymous]
    public override async Task<HeadlineIndicators> GetHeadlineIndicators(GetHeadlineIndicatorsRequest request, ServerCallContext context)
    {
        var asOf = RequestValidation.ValidateHeadline(request, time);
        return (await reader.GetHeadlineAsync(asOf, context.CancellationToken)).Message(request.View);
    }

    [AllowAnonymous]
    public override async Task WatchHeadlineIndicators(
        WatchHeadlineIndicatorsRequest request, IServerStreamWriter<HeadlineIndicators> responseStream, ServerCallContext context)
    {
        // The stream also ends when the service stops, rather than holding shutdown until every watcher leaves.
        RequestValidation.ValidateView(request.View);
        using var watch = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var cancellationToken = watch.Token;
        ulong? sent = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                // Take the signal before reading, so a change during the read wakes the next round.
                var changed = changes.Next;
                var view = await reader.GetHeadlineAfterChangeAsync(cancellationToken);
                if (view.Fingerprint != sent)
                {
                    await responseStream.WriteAsync(view.Message(request.View), cancellationToken);
                    sent = view.Fingerprint;
                }

                // The periodic re-check covers changes on other replicas while Redis pub/sub is down.
                await Task.WhenAny(changed, Task.Delay(cacheOptions.Value.WatchPollInterval, time, cancellationToken));
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
        }

        if (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw GrpcErrors.Unavailable("The metrics service is stopping; watch again (another replica answers).");
        }
    }

    [AllowAnonymous]
    public override async Task<IndicatorSeries> GetIndicatorSeries(GetIndicatorSeriesRequest request, ServerCallContext context)
    {
        var (from, to) = RequestValidation.ValidateSeries(request, Calculations.Today(time));
        return await reader.GetSeriesAsync(request.Indicator, from, to, request.Granularity, context.CancellationToken);
    }

    [AllowAnonymous]
    public override async Task<ExchangeShareSeries> GetExchangeShare(GetExchangeShareRequest request, ServerCallContext context)
    {
        var (exchangeCode, asOf) = RequestValidation.ValidateExchangeShare(request, Calculations.Today(time));
        return await reader.GetExchangeShareAsync(exchangeCode, request.FromYear, request.ToYear, asOf, context.CancellationToken);
    }

    [Authorize(Policy = Rights.Reporter)]
    [WriteMethod]
    public override async Task<ReportTokenUsageResponse> ReportTokenUsage(IAsyncStreamReader<ReportTokenUsageRequest> requestStream, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var today = Calculations.Today(time);
        long received = 0, messages = 0;
        Int128 tokens = 0;
        await using var ingestion = new TokenUsageIngestion(tokenUsage, IngestLanes, IngestBatchSize / IngestLanes, cancellationToken);
        try
        {
            while (await requestStream.MoveNext(cancellationToken))
            {
                var usages = requestStream.Current.Usages;
                if (usages.Count > RequestValidation.MaxStreamMessageReports)
                {
                    throw FieldViolations.Single("usages", $"message {messages}: at most {RequestValidation.MaxStreamMessageReports} reports per message{EarlierStored}");
                }

                for (var i = 0; i < usages.Count; i++)
                {
                    var usage = usages[i];
                    var day = Validated(usage, i, today, $"message {messages}: ", EarlierStored);
                    await ingestion.AddAsync(new TokenUsageKey(day, usage.Provider, usage.Model), usage.Tokens);
                    tokens += usage.Tokens;
                }

                received += usages.Count;
                messages++;
            }

            var stored = await ingestion.CompleteAsync();
            // A stream carries no request id (its reports replace by key, so a re-sent stream changes nothing more):
            // the write path is its audit event alone.
            var call = WriteCall.Of(context);
            await audit.AppendAsync(AuditEntry.Ok(call, time.GetUtcNow(), "", [], null), cancellationToken);
            var response = new ReportTokenUsageResponse { Received = received, Stored = stored };
            meters.Committed(call, response);
            domainMeters.TokensReported(tokens);
            return response;
        }
        finally
        {
            if (received > 0)
            {
                await stale.MarkStaleAsync();
            }
        }
    }

    [Authorize(Policy = Rights.Reporter)]
    [WriteMethod]
    public override Task<ReportTokenUsageResponse> ReportTokenUsageBatch(ReportTokenUsageBatchRequest request, ServerCallContext context)
    {
        if (request.Usages.Count > RequestValidation.MaxBatchReports)
        {
            throw FieldViolations.Single("usages", $"at most {RequestValidation.MaxBatchReports} reports per batch; use ReportTokenUsage to stream more");
        }

        RequireValidRequestId(request.RequestId);
        var batch = new Dictionary<TokenUsageKey, long>(request.Usages.Count);
        AddValidated(request.Usages, batch, Calculations.Today(time), string.Empty, string.Empty);
        return writes.RunAsync(WriteCall.Of(context), new(request.RequestId, request), ReportTokenUsageResponse.Parser, async (connection, transaction) =>
        {
            var stored = await tokenUsage.WriteAsync(connection, transaction, batch, context.CancellationToken);
            return new Written<ReportTokenUsageResponse>(new() { Received = request.Usages.Count, Stored = stored }, [],
                Committed: () => domainMeters.TokensReported(request.Usages.Aggregate(Int128.Zero, (sum, u) => sum + u.Tokens)));
        }, context.CancellationToken);
    }

    [Authorize(Policy = Rights.Reporter)]
    [WriteMethod]
    public override Task<ReportTrainingCorpusResponse> ReportTrainingCorpus(ReportTrainingCorpusRequest request, ServerCallContext context)
    {
        RequestValidation.ValidateCorpus(request, time.GetUtcNow());
        RequireValidRequestId(request.RequestId);
        var report = new ModelCorpusData(request.Provider, request.Model, request.TotalTokens, request.ChineseTokens, request.AsOf.ToDateTimeOffset());
        return writes.RunAsync(WriteCall.Of(context), new(request.RequestId, request), ReportTrainingCorpusResponse.Parser, async (connection, transaction) =>
        {
            var (applied, stored) = await TrainingCorpusWriter.WriteAsync(connection, transaction, report, context.CancellationToken);
            return new Written<ReportTrainingCorpusResponse>(new() { Applied = applied, Model = IndicatorMessages.ToMessage(stored) }, [$"{report.Provider}/{report.Model}"]);
        }, context.CancellationToken);
    }

    [Authorize(Policy = Rights.Admin)]
    [WriteMethod]
    public override async Task<RebuildIndicatorsResponse> RebuildIndicators(RebuildIndicatorsRequest request, ServerCallContext context)
    {
        RequireValidRequestId(request.RequestId);
        return await writes.RunAloneAsync(WriteCall.Of(context), new(request.RequestId, request), RebuildIndicatorsResponse.Parser, async (_, _) =>
        {
            var started = Stopwatch.GetTimestamp();
            await stale.MarkStaleAsync();
            var view = await reader.GetHeadlineAsync(context.CancellationToken);
            return new Written<RebuildIndicatorsResponse>(new()
            {
                Headline = view.Full,
                ElapsedMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            }, []);
        }, context.CancellationToken);
    }

    [Authorize(Policy = Rights.Admin)]
    [WriteMethod]
    public override Task<ClearHeadlineCacheResponse> ClearHeadlineCache(ClearHeadlineCacheRequest request, ServerCallContext context) =>
        // No request id: clearing again is harmless.
        writes.RunAloneAsync(WriteCall.Of(context), new(string.Empty, request), ClearHeadlineCacheResponse.Parser, async (_, _) =>
        {
            await stale.MarkStaleAsync();
            return new Written<ClearHeadlineCacheResponse>(new() { ClearedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(time.GetUtcNow()) }, []);
        }, context.CancellationToken);

    /// <summary>The metrics audit trail; a reporter sees its own calls.</summary>
    [Authorize(Policy = Rights.Authenticated)]
    public override Task<ListAuditEventsResponse> ListAuditEvents(ListAuditEventsRequest request, ServerCallContext context) =>
        audit.ListAsync(request, Caller.Of(context), context.CancellationToken);

    private static void RequireValidRequestId(string requestId)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(requestId, required: false);
        violations.ThrowIfAny();
    }

    /// <summary>Validates reports into <paramref name="batch"/> (a later report for the same key replaces an earlier one).</summary>
    private static void AddValidated(
        Google.Protobuf.Collections.RepeatedField<TokenUsage> usages, Dictionary<TokenUsageKey, long> batch, DateOnly today, string prefix, string suffix)
    {
        for (var i = 0; i < usages.Count; i++)
        {
            var usage = usages[i];
            batch[new TokenUsageKey(Validated(usage, i, today, prefix, suffix), usage.Provider, usage.Model)] = usage.Tokens;
        }
    }

    /// <summary>The report's day, or INVALID_ARGUMENT describing the report (only the first invalid one, to keep the error small).</summary>
    private static DateOnly Validated(TokenUsage usage, int index, DateOnly today, string prefix, string suffix)
    {
        if (RequestValidation.IsValidUsage(usage, today, out var valid))
        {
            return valid;
        }

        var violations = new FieldViolations();
        var day = RequestValidation.ValidateUsage(usage, $"usages[{index}]", today, violations);
        if (violations.Any)
        {
            var ex = violations.ToException();
            throw new RpcException(new Status(ex.StatusCode, prefix + ex.Status.Detail + suffix), ex.Trailers);
        }

        return day;
    }
}
