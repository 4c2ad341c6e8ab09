using Grpc.Core;

namespace Platform.ScenarioLoader.Loading;

internal static class Calls
{
    /// <summary>Runs <paramref name="body"/> for every item with at most <paramref name="concurrency"/> in flight.</summary>
    public static Task ForEachAsync<T>(IEnumerable<T> items, int concurrency, Progress progress, Func<T, CancellationToken, Task> body, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (item, ct) =>
        {
            await body(item, ct);
            progress.Add();
        });

    /// <summary>
    /// Runs <paramref name="body"/> for chunks of at most <paramref name="size"/> items (in order) with at most
    /// <paramref name="concurrency"/> chunks in flight; progress counts items.
    /// </summary>
    public static Task ForEachChunkAsync<T>(IEnumerable<T> items, int size, int concurrency, Progress progress, Func<T[], CancellationToken, Task> body, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(items.Chunk(size), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (chunk, ct) =>
        {
            await body(chunk, ct);
            progress.Add(chunk.Length);
        });

    /// <summary>
    /// Retries a call that failed with a transient status (the request ids make the retry safe), and, when asked,
    /// FAILED_PRECONDITION too (certifying while the notice period has not yet passed).
    /// </summary>
    public static async Task<T> RetryAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken, bool retryPrecondition = false)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (RpcException ex) when (attempt < 30 && (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted
                                                           || (retryPrecondition && ex.StatusCode == StatusCode.FailedPrecondition)))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2_000, 100 * attempt)), cancellationToken);
            }
        }
    }
}
