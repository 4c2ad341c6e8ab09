using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Catalog.Data;
using Platform.Catalog.V1;

namespace Platform.Catalog.Search;

public sealed class SearchIndexOptions
{
    public const string SectionName = "Catalog:Search";

    /// <summary>Serve ListDatasets and SearchDatasets from the in-memory index (true) or from PostgreSQL queries.</summary>
    public bool InMemoryIndex { get; set; } = true;

    /// <summary>How often the index fetches changes made through other replicas.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// An in-memory projection of what search filters and facets look at, one small entry per dataset. Facet counts
/// over tens of thousands of matches cost a PostgreSQL scan and a six-way aggregate (~100 ms at 35,000 datasets);
/// here they are one pass over an array. Writes of this replica are applied at commit; those of other replicas
/// arrive by polling, so they become searchable within about a poll interval.
/// </summary>
/// <remarks>
/// The poll cannot miss a commit, however late. Each row version carries <c>changed_xid</c>, the id of the
/// transaction that wrote it (migration 0005). A poll runs in one REPEATABLE READ snapshot S, reads every row with
/// <c>changed_xid &gt;= w</c> (w: the previous poll's watermark, 0 at start) and then takes <c>xmin(S)</c>, the oldest
/// transaction still running when S was taken, as the next watermark. A transaction with an id below xmin(S) had
/// ended before S, so the row version it left is visible in S and every later snapshot until rewritten (and a
/// rewrite carries its writer's id). So the version v of a row that a poll's snapshot sees was either read by that
/// poll (its writer's id &gt;= w) or written by a transaction that had ended before the previous poll's snapshot, which
/// then saw v already, and by induction the index holds v or a later version. Transaction ids are assigned at the
/// first write, before commit, so an id says nothing about commit order; the watermark never relies on that.
/// </remarks>
internal sealed partial class SearchIndex(NpgsqlDataSource dataSource, IOptions<SearchIndexOptions> options, ILogger<SearchIndex> logger)
    : BackgroundService
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, IndexEntry> _entries = [];
    private IndexSnapshot _snapshot = new([]);
    private bool _dirty;
    private long _watermark;
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed record IndexRow(
        Guid Id, long Version, short Status, short Domain, short Modality, short AnnotationMethod, short QualityGrade, short Licence,
        short AccessLevel, string Province, string? AnnotationBaseCode, long VolumeBytes, int ZhShareBp, string SearchText);

    public bool Enabled => options.Value.InMemoryIndex;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Enabled)
        {
            // Loaded before the server takes calls, so a replica never answers from an empty index.
            await PollAsync(cancellationToken);
            _loaded.TrySetResult();
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.PollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PollAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                LogPollFailed(logger, ex);
            }
        }
    }

    /// <summary>Applies a dataset written by this replica, so the writer finds it at once.</summary>
    public void Apply(Dataset dataset)
    {
        if (Enabled)
        {
            Upsert(IndexEntry.Of(dataset));
        }
    }

    /// <summary>The version of a dataset the index holds (which trails other replicas' writes by a poll); null when none.</summary>
    public long? VersionOf(Guid id)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(id, out var entry) ? entry.Version : null;
        }
    }

    public sealed record Result(IReadOnlyList<Guid> PageIds, Guid? LastId, long TotalSize, IReadOnlyList<FacetRow> Facets);

    /// <summary>Matches newest first (id descending); facets count every match.</summary>
    public async Task<Result> SearchAsync(IReadOnlyList<string> terms, DatasetFilter filter, int pageSize, Guid? after, bool withFacets, CancellationToken cancellationToken)
    {
        await _loaded.Task.WaitAsync(cancellationToken);
        var snapshot = Current();
        var entries = snapshot.Entries;
        var words = snapshot.Candidates(terms);
        if (!filter.Equals(new DatasetFilter()))
        {
            snapshot.Bitmaps.Filter(words, filter);
        }

        var nonZero = new List<int>();
        long total = 0;
        for (var w = 0; w < words.Length; w++)
        {
            if (words[w] != 0)
            {
                nonZero.Add(w);
                total += System.Numerics.BitOperations.PopCount(words[w]);
            }
        }

        // The page: the first matches after the cursor, one more than asked to tell whether another page follows.
        var page = new List<Guid>(pageSize + 1);
        var from = after is { } a ? snapshot.After(IndexEntry.KeyOf(a)) : 0;
        for (var w = from >> 6; w < words.Length && page.Count <= pageSize; w++)
        {
            var word = w == from >> 6 ? words[w] & (ulong.MaxValue << (from & 63)) : words[w];
            while (word != 0 && page.Count <= pageSize)
            {
                page.Add(entries[(w << 6) + System.Numerics.BitOperations.TrailingZeroCount(word)].Id);
                word &= word - 1;
            }
        }

        var lastId = page.Count > pageSize ? page[pageSize - 1] : (Guid?)null;
        var facets = withFacets ? snapshot.Bitmaps.Facets(words, [.. nonZero]) : [];
        return new Result(page.Take(pageSize).ToList(), lastId, total, facets);
    }

    private IndexSnapshot Current()
    {
        lock (_gate)
        {
            if (_dirty)
            {
                var entries = _entries.Values.ToArray();
                Array.Sort(entries, static (x, y) => y.Key.CompareTo(x.Key));
                _snapshot = new IndexSnapshot(entries);
                _dirty = false;
            }

            return _snapshot;
        }
    }

    private void Upsert(IndexEntry entry)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(entry.Id, out var existing) || existing.Version < entry.Version)
            {
                _entries[entry.Id] = entry;
                _dirty = true;
            }
        }
    }

    /// <summary>Reads the row versions written since the watermark and moves it on (see the class remarks for why nothing is missed).</summary>
    private async Task PollAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        // The first statement fixes the transaction's snapshot; the read below sees exactly that snapshot.
        var watermark = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "select pg_snapshot_xmin(pg_current_snapshot())::text::bigint", transaction: transaction, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<IndexRow>(new CommandDefinition(
            """
            select id, version, status, domain, modality, annotation_method, quality_grade, licence, access_level, province,
                   annotation_base_code, volume_bytes, zh_share_bp, search_text
            from datasets where changed_xid >= @since::text::xid8
            """, new { since = _watermark }, transaction, cancellationToken: cancellationToken));
        foreach (var r in rows)
        {
            Upsert(new IndexEntry(IndexEntry.KeyOf(r.Id), r.Id, r.Version, r.Status, r.Domain, r.Modality, r.AnnotationMethod, r.QualityGrade, r.Licence,
                r.AccessLevel, r.Province, r.AnnotationBaseCode, r.VolumeBytes, r.ZhShareBp, r.SearchText));
        }

        await transaction.CommitAsync(cancellationToken);
        _watermark = watermark;
    }

    [LoggerMessage(LogLevel.Warning, "Search index poll failed; retrying at the next interval")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
