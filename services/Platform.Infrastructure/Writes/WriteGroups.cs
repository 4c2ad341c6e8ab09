using System.Diagnostics;
using System.Threading.Channels;
using Google.Protobuf;
using Npgsql;

namespace Platform.Infrastructure.Writes;

/// <summary>
/// Group commit: single-item writes of concurrent calls are written together, in one PostgreSQL transaction of
/// <see cref="MaxItems"/> at most, by one of <see cref="Writers"/> writers; a call waits for its group's commit. Under
/// load the calls queue while the writers are busy, so a group costs one transaction, one claim-and-audit statement
/// and one commit for many calls; alone, a call is a group of one. Each item's change runs on the group's transaction in
/// arrival order, as if the calls had come one after the other. Nothing is committed unless every item's change and
/// every claim succeeded: when one fails (a refusal, a lock timeout, a request id stored meanwhile), the group rolls
/// back and each of its calls is written on its own (<see cref="WritePath"/>'s path for one call, with its retries), so
/// a call's answer never depends on the calls it was grouped with. A group whose commit fails answers that failure to
/// its calls: whether it committed is unknown, so they are not written again (a retry with the request id is safe).
/// Consecutive items of one <see cref="BatchWork"/> run as one change, in their order, so a group of 32 registrations
/// costs one multi-row insert.
/// </summary>
public sealed class WriteGroups : IAsyncDisposable
{
    /// <summary>Items per transaction at most: 32 PlaceTrades hold their group's locks for about 10 ms.</summary>
    public const int MaxItems = 32;

    /// <summary>Transactions writing groups at once: enough to keep PostgreSQL busy on a small machine, few enough that calls queue into groups.</summary>
    public static readonly int Writers = Math.Max(4, Environment.ProcessorCount * 2);

    private readonly NpgsqlDataSource _dataSource;
    private readonly Outbox.Outbox _outbox;
    private readonly TimeProvider _time;
    private readonly WriteMeters _meters;
    private readonly Channel<GroupedWrite> _queue = Channel.CreateUnbounded<GroupedWrite>();
    private readonly Task[] _writers;

    public WriteGroups(NpgsqlDataSource dataSource, Outbox.Outbox outbox, TimeProvider time, WriteMeters meters)
    {
        _dataSource = dataSource;
        _outbox = outbox;
        _time = time;
        _meters = meters;
        // The writers belong to no call: no call's trace context, cancellation or activity flows into them.
        using (ExecutionContext.SuppressFlow())
        {
            _writers = Enumerable.Range(0, Writers).Select(_ => Task.Run(WriteAsync)).ToArray();
        }
    }

    /// <summary>
    /// Writes a call's single item with other calls': its outcome once its group committed, or null when the call must
    /// write on its own (its group failed, or the item was held back from it).
    /// </summary>
    /// <param name="batch">The work with <paramref name="value"/>, the item, when <paramref name="work"/> runs it as a
    /// <see cref="BatchWork"/>; null when the item cannot run with others'.</param>
    internal async Task<Written<T>?> WriteAsync<T>(
        WriteCall call, WriteItem item, byte[] fingerprint, Func<NpgsqlConnection, NpgsqlTransaction, int[], Task<Written<T>[]>> work,
        (BatchWork Work, object Value)? batch, Activity? activity, CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        Written<T>? outcome = null;
        var caller = (activity ?? Activity.Current)?.Context ?? default;
        WriteRecord Done(Written<T> written)
        {
            outcome = written;
            return WriteRecord.Of(call, item, fingerprint, written);
        }

        var write = new GroupedWrite(
            call, item, caller, cancellationToken,
            async (connection, transaction) => Done((await work(connection, transaction, [0]))[0]),
            batch is var (batchWork, value) ? new BatchedItem(batchWork, value, written => Done((Written<T>)written)) : null);
        return _queue.Writer.TryWrite(write) && await write.Written.WaitAsync(cancellationToken) ? outcome : null;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers);
    }

    private async Task WriteAsync()
    {
        var group = new List<GroupedWrite>(MaxItems);
        var requestIds = new HashSet<(string Caller, string Scope, string RequestId)>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            group.Clear();
            requestIds.Clear();
            while (group.Count < MaxItems && _queue.Reader.TryRead(out var write))
            {
                // Left to write on its own: an item whose caller stopped waiting, and the second of one request id in a
                // group (it would fail the group's claim).
                if (write.Cancelled || (write.Item.RequestId.Length > 0 && !requestIds.Add((write.Call.Caller.Id, write.Call.Scope, write.Item.RequestId))))
                {
                    write.WriteAlone();
                    continue;
                }

                group.Add(write);
            }

            if (group.Count > 0)
            {
                await WriteGroupAsync(group);
            }
        }
    }

    private async Task WriteGroupAsync(List<GroupedWrite> group)
    {
        using var activity = WritePath.ActivitySource.StartActivity(
            "write group", ActivityKind.Internal, parentContext: default, links: group.Select(w => new ActivityLink(w.Caller)));
        activity?.SetTag("platform.write.items", group.Count);
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            var records = new WriteRecord[group.Count];
            for (var i = 0; i < group.Count;)
            {
                var end = i + 1;
                while (end < group.Count && group[i].Batched is { } first && group[end].Batched?.Work == first.Work)
                {
                    end++;
                }

                if (end - i > 1)
                {
                    // Under the group's span, linked to every call; each event still carries its own call's trace context.
                    var run = group[i..end];
                    using var traces = Outbox.Outbox.ItemTraces(run.Select(w => w.Caller).ToArray());
                    (await run[0].Batched!.Work.RunTogetherAsync(connection, transaction, run.Select(w => w.Batched!).ToArray())).CopyTo(records, i);
                }
                else
                {
                    using var change = ChangeActivity(group[i].Caller);
                    records[i] = await group[i].Change(connection, transaction);
                }

                i = end;
            }

            if (!await WriteRecords.StoreAsync(connection, transaction, records, _time.GetUtcNow(), CancellationToken.None))
            {
                WriteAlone(group, activity, "a request id was stored meanwhile");
                return;
            }

            try
            {
                await transaction.CommitAsync();
            }
            catch (Exception error)
            {
                activity?.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
                group.ForEach(w => w.Fail(error));
                return;
            }

            _outbox.NotifyCommitted();
            _meters.GroupCommitted(group.Count);
            group.ForEach(w => w.Committed());
        }
        catch (Exception error)
        {
            // Before the commit: the calls write on their own. (After it every call has its answer, and this changes none.)
            WriteAlone(group, activity, error.GetType().Name);
        }
    }

    /// <summary>
    /// An item's change runs in its call's trace: as a span of its own when the call is traced, else as a context-only
    /// activity; either way its statements and the outbox events it writes carry the call's trace context.
    /// </summary>
    private static Activity? ChangeActivity(ActivityContext caller) =>
        caller == default
            ? null
            : WritePath.ActivitySource.StartActivity("write change", ActivityKind.Internal, caller)
              ?? new Activity("write change").SetParentId(caller.TraceId, caller.SpanId, caller.TraceFlags).Start();

    private static void WriteAlone(List<GroupedWrite> group, Activity? activity, string reason)
    {
        activity?.SetTag("platform.write.group_failed", reason);
        group.ForEach(w => w.WriteAlone());
    }
}

/// <summary>One call's single-item write waiting for a group (<see cref="WriteGroups"/>).</summary>
internal sealed class GroupedWrite(
    WriteCall call, WriteItem item, ActivityContext caller, CancellationToken cancellationToken,
    Func<NpgsqlConnection, NpgsqlTransaction, Task<WriteRecord>> change, BatchedItem? batched)
{
    private readonly TaskCompletionSource<bool> _written = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WriteCall Call => call;

    public WriteItem Item => item;

    /// <summary>The call's span (its write span, or its server span when that is not recorded): the parent of its change, linked from its group's span.</summary>
    public ActivityContext Caller => caller;

    public bool Cancelled => cancellationToken.IsCancellationRequested;

    /// <summary>Runs the item's change on the group's transaction.</summary>
    public Func<NpgsqlConnection, NpgsqlTransaction, Task<WriteRecord>> Change => change;

    /// <summary>The item as one of a <see cref="BatchWork"/>'s, which can run with the next calls' items of that work; null when it runs alone.</summary>
    public BatchedItem? Batched => batched;

    /// <summary>True: written with the group. False: the call writes on its own.</summary>
    public Task<bool> Written => _written.Task;

    public void Committed() => _written.TrySetResult(true);

    public void WriteAlone() => _written.TrySetResult(false);

    public void Fail(Exception error) => _written.TrySetException(error);
}
