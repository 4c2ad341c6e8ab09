using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using StackExchange.Redis;

namespace Platform.Metrics.Caching;

/// <summary>
/// The Redis tier as the tiered cache uses it: each operation with a short timeout, behind a circuit that skips Redis
/// for a few seconds once it fails, and a generation bump owed for every change made while it was away (paid before
/// Redis is read again, so no value from before the change is served).
/// </summary>
internal sealed partial class GuardedRemote(IRemoteCache remote, CacheOptions options, TimeProvider time, ILogger logger)
{
    private readonly RedisCircuit _circuit = new(time, options.CircuitBreak);
    private int _bumpOwed;

    /// <summary>Identifies this replica in change announcements, so it ignores its own.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    public bool Skipped => _circuit.IsOpen;

    /// <summary>A change was made: the next <see cref="ReadyAsync"/> bumps the generation first.</summary>
    public void OweBump() => Volatile.Write(ref _bumpOwed, 1);

    /// <summary>
    /// True when Redis can be used; first bumps its generation if a write is pending (one made while Redis was
    /// unreachable) or <paramref name="bump"/> asks for it.
    /// </summary>
    public async Task<bool> ReadyAsync(bool bump = false)
    {
        if (_circuit.IsOpen)
        {
            return false;
        }

        if (!remote.IsConnected)
        {
            _circuit.Trip();
            return false;
        }

        if (bump || Volatile.Read(ref _bumpOwed) == 1)
        {
            Volatile.Write(ref _bumpOwed, 0);
            var bumped = await TryAsync<bool?>(async () =>
            {
                await remote.BumpGenerationAsync(InstanceId);
                return true;
            });
            if (bumped is not true)
            {
                Volatile.Write(ref _bumpOwed, 1);
                return false;
            }
        }

        return true;
    }

    /// <summary>Runs one Redis operation with a short timeout; null (and the circuit opens) when it fails.</summary>
    public async Task<T?> TryAsync<T>(Func<Task<T>> operation)
    {
        if (_circuit.IsOpen)
        {
            return default;
        }

        try
        {
            return await operation().WaitAsync(options.RedisOperationTimeout);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            _circuit.Trip();
            LogRedisUnavailable(logger, ex);
            return default;
        }
    }

    /// <summary>Reads a value valid in the current generation; ok is false when Redis failed.</summary>
    public async Task<(TData? Value, long Generation, bool Ok)> GetAsync<TData>(string key, JsonTypeInfo<TData> typeInfo)
    {
        var result = await TryAsync<(byte[]? Value, long Generation)?>(async () => await remote.GetAsync(key));
        if (result is not { } read)
        {
            return (default, 0, false);
        }

        if (read.Value is { Length: > sizeof(long) } bytes && BinaryPrimitives.ReadInt64BigEndian(bytes) == read.Generation)
        {
            try
            {
                return (JsonSerializer.Deserialize(bytes.AsSpan(sizeof(long)), typeInfo), read.Generation, true);
            }
            catch (JsonException ex)
            {
                LogUnreadable(logger, key, ex);
            }
        }

        return (default, read.Generation, true);
    }

    [LoggerMessage(LogLevel.Warning, "Redis is unavailable; answering from PostgreSQL and skipping Redis for a few seconds")]
    private static partial void LogRedisUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Warning, "Cached value {Key} is unreadable; recomputing")]
    private static partial void LogUnreadable(ILogger logger, string key, Exception exception);
}
