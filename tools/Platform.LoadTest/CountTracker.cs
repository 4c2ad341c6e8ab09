namespace Platform.LoadTest;

/// <summary>
/// The values of a count as a stream reports them (H1 in watched headline snapshots), with the time each arrived,
/// so that a waiter learns when the count first reached a level after a given point.
/// </summary>
public sealed class CountTracker
{
    private const int MaxKept = 100_000;
    private readonly object _gate = new();
    private readonly List<(long Count, long Timestamp)> _observations = [];
    private int _dropped;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The latest count, or null before the first observation.</summary>
    public long? Latest
    {
        get
        {
            lock (_gate)
            {
                return _observations.Count == 0 ? null : _observations[^1].Count;
            }
        }
    }

    public void Observe(long count, long timestamp)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (_observations.Count == MaxKept)
            {
                _observations.RemoveRange(0, MaxKept / 2);
                _dropped += MaxKept / 2;
            }

            _observations.Add((count, timestamp));
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>A point in the stream: later waits consider only observations made after it.</summary>
    public int Mark()
    {
        lock (_gate)
        {
            return _dropped + _observations.Count;
        }
    }

    /// <summary>
    /// The timestamp of the first observation after <paramref name="mark"/> with a count of at least
    /// <paramref name="level"/>; null when none arrives within <paramref name="timeout"/>.
    /// </summary>
    public async Task<long?> FirstAtLeastAsync(long level, int mark, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var expiry = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        expiry.CancelAfter(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                for (var i = Math.Max(0, mark - _dropped); i < _observations.Count; i++)
                {
                    if (_observations[i].Count >= level)
                    {
                        return _observations[i].Timestamp;
                    }
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(expiry.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }
    }
}
