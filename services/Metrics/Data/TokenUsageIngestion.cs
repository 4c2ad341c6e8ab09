using System.Threading.Channels;

namespace Platform.Metrics.Data;

/// <summary>
/// One streaming ingestion: reports are spread over a few lanes by key, each lane merges its batches into
/// PostgreSQL in order on its own connection while the stream keeps being read. A key always goes to the same
/// lane, so a later report for it is always merged after an earlier one (replace semantics hold).
/// </summary>
internal sealed class TokenUsageIngestion : IAsyncDisposable
{
    private readonly TokenUsageWriter _writer;
    private readonly int _batchSize;
    private readonly Dictionary<TokenUsageKey, long>[] _pending;
    private readonly Channel<Dictionary<TokenUsageKey, long>>[] _queues;
    private readonly Task<long>[] _lanes;
    private readonly CancellationTokenSource _cancellation;

    public TokenUsageIngestion(TokenUsageWriter writer, int lanes, int batchSize, CancellationToken cancellationToken)
    {
        _writer = writer;
        _batchSize = batchSize;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _pending = new Dictionary<TokenUsageKey, long>[lanes];
        _queues = new Channel<Dictionary<TokenUsageKey, long>>[lanes];
        _lanes = new Task<long>[lanes];
        for (var i = 0; i < lanes; i++)
        {
            _pending[i] = new Dictionary<TokenUsageKey, long>(batchSize);
            // One batch waiting per lane: reading the stream stops when the database falls behind.
            _queues[i] = Channel.CreateBounded<Dictionary<TokenUsageKey, long>>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
            _lanes[i] = RunLaneAsync(_queues[i].Reader);
        }
    }

    /// <summary>Adds a validated report (a later one for the same key replaces an earlier one).</summary>
    public ValueTask AddAsync(TokenUsageKey key, long tokens)
    {
        var lane = (int)((uint)key.GetHashCode() % (uint)_pending.Length);
        var batch = _pending[lane];
        batch[key] = tokens;
        if (batch.Count < _batchSize)
        {
            return ValueTask.CompletedTask;
        }

        _pending[lane] = new Dictionary<TokenUsageKey, long>(_batchSize);
        return WriteAsync(lane, batch);
    }

    /// <summary>Merges what is left and returns the number of rows written.</summary>
    public async Task<long> CompleteAsync()
    {
        for (var lane = 0; lane < _pending.Length; lane++)
        {
            if (_pending[lane].Count > 0)
            {
                await WriteAsync(lane, _pending[lane]);
                _pending[lane] = [];
            }

            _queues[lane].Writer.TryComplete();
        }

        var stored = await Task.WhenAll(_lanes);
        return stored.Sum();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var queue in _queues)
        {
            queue.Writer.TryComplete();
        }

        if (_lanes.Any(l => !l.IsCompleted))
        {
            await _cancellation.CancelAsync();
        }

        await ((Task)Task.WhenAll(_lanes)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _cancellation.Dispose();
    }

    private async ValueTask WriteAsync(int lane, Dictionary<TokenUsageKey, long> batch)
    {
        if (!await _queues[lane].Writer.WaitToWriteAsync(_cancellation.Token) || !_queues[lane].Writer.TryWrite(batch))
        {
            // A lane failed and stopped every lane: its exception surfaces here.
            await Task.WhenAll(_lanes);
            throw new InvalidOperationException("The token-usage ingestion lanes stopped.");
        }
    }

    private async Task<long> RunLaneAsync(ChannelReader<Dictionary<TokenUsageKey, long>> reader)
    {
        await Task.Yield();
        long stored = 0;
        try
        {
            await foreach (var batch in reader.ReadAllAsync(_cancellation.Token))
            {
                stored += await _writer.WriteAsync(batch, _cancellation.Token);
            }
        }
        catch
        {
            // Stop the other lanes and the reader of the stream.
            foreach (var queue in _queues)
            {
                queue.Writer.TryComplete();
            }

            throw;
        }

        return stored;
    }
}
