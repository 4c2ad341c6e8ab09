using Microsoft.Extensions.Caching.Memory;
using Platform.Catalog.V1;

namespace Platform.Catalog.Search;

/// <summary>
/// Whole datasets as last read or written by this replica, for GetDataset and the pages of list and search: one is
/// served while the search index holds the same version of it (so another replica's write, once polled, makes it read
/// afresh). A committed write puts its dataset here and into the index (<see cref="Apply"/>), which also carries the
/// changes that keep the version (an evaluation summary). At most <see cref="MaxDatasets"/>, the least used evicted.
/// </summary>
internal sealed class DatasetCache(SearchIndex index) : IDisposable
{
    /// <summary>
    /// Enough for every page a search serves and the datasets read most, not for every dataset a bulk load writes: with
    /// 100,000 the catalog held about 1 GB after a ×10 load (every write is kept), 0.4 GB after a restart.
    /// </summary>
    public const int MaxDatasets = 20_000;

    /// <summary>
    /// Over the limit, the cache compacts (a pass over every entry) and drops a quarter of them, the least used: the
    /// default twentieth made a bulk load's writes compact every thousand datasets, 2.4 % of the catalog's processor
    /// time while registering.
    /// </summary>
    private readonly MemoryCache _datasets = new(new MemoryCacheOptions { SizeLimit = MaxDatasets, CompactionPercentage = 0.25 });
    private readonly Lock _applying = new();

    public Dataset? TryGet(Guid id) =>
        index.Enabled && _datasets.TryGetValue(id, out Dataset? dataset) && index.VersionOf(id) == dataset!.Version ? dataset : null;

    /// <summary>Keeps a dataset just read from the database, if the index knows it at that version.</summary>
    public void Keep(Dataset dataset)
    {
        var id = Guid.Parse(dataset.Id);
        if (index.Enabled && index.VersionOf(id) == dataset.Version)
        {
            Set(id, dataset);
        }
    }

    /// <summary>
    /// A dataset this replica has just written: indexed and kept, so the writer finds it at once. Writes that keep the
    /// version (evaluations) get here in any order once committed: of two of one version, the one with more evaluations
    /// is the later (a summary only grows), and an earlier one arriving late is ignored.
    /// </summary>
    public void Apply(Dataset dataset)
    {
        var id = Guid.Parse(dataset.Id);
        lock (_applying)
        {
            if (_datasets.TryGetValue(id, out Dataset? held) && held!.Version == dataset.Version
                && (held.Evaluations?.Count ?? 0) > (dataset.Evaluations?.Count ?? 0))
            {
                return;
            }

            index.Apply(dataset);
            if (index.Enabled)
            {
                Set(id, dataset);
            }
        }
    }

    public void Dispose() => _datasets.Dispose();

    private void Set(Guid id, Dataset dataset) => _datasets.Set(id, dataset, new MemoryCacheEntryOptions { Size = 1 });
}
