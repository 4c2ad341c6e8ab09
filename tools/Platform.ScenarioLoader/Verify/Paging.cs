namespace Platform.ScenarioLoader.Verify;

/// <summary>One page of a cursor-paged list: its items and the token of the next page ("" on the last page).</summary>
public readonly record struct Page<T>(IReadOnlyCollection<T> Items, string NextPageToken);

/// <summary>Reads every page of the list APIs (cursor paging: "" starts, an empty next token ends).</summary>
public static class Paging
{
    public static async Task<List<T>> ReadAllAsync<T>(Func<string, CancellationToken, Task<Page<T>>> readPage, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var token = string.Empty;
        do
        {
            var page = await readPage(token, cancellationToken);
            items.AddRange(page.Items);
            token = page.NextPageToken;

            // A server that hands back a token it gave before would make this loop forever and count items twice.
            if (token.Length > 0 && !seen.Add(token))
            {
                throw new InvalidOperationException($"The list returned the page token '{token}' twice.");
            }
        }
        while (token.Length > 0);

        return items;
    }

    /// <summary>
    /// Reads several independent listings (disjoint filters over one list API) at once, at most
    /// <paramref name="concurrency"/> in flight: each is paged in order, the listings run side by side.
    /// The result keeps the partitions' order.
    /// </summary>
    public static async Task<List<T>> ReadPartitionsAsync<TPartition, T>(
        IReadOnlyList<TPartition> partitions,
        int concurrency,
        Func<TPartition, string, CancellationToken, Task<Page<T>>> readPage,
        CancellationToken cancellationToken)
    {
        var results = new List<T>[partitions.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, partitions.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, concurrency), CancellationToken = cancellationToken },
            async (i, ct) => results[i] = await ReadAllAsync<T>((token, c) => readPage(partitions[i], token, c), ct));
        return results.SelectMany(r => r).ToList();
    }
}
