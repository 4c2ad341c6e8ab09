namespace Platform.Metrics.Caching;

/// <summary>Skips Redis for a short while after a failure, so an outage costs one timeout, not one per request.</summary>
internal sealed class RedisCircuit(TimeProvider time, TimeSpan breakFor)
{
    private long _openUntil;

    public bool IsOpen => time.GetTimestamp() < Volatile.Read(ref _openUntil);

    public void Trip() => Volatile.Write(ref _openUntil, time.GetTimestamp() + (long)(breakFor.TotalSeconds * time.TimestampFrequency));

    public void Reset() => Volatile.Write(ref _openUntil, 0);
}
