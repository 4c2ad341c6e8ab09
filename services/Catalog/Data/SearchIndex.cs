using System.Buffers.Binary;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Catalog.V1;
using Platform.Catalog.Validation;

namespace Platform.Catalog.Data;

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
    private readonly Dictionary<Guid, Entry> _entries = [];
    private Snapshot _snapshot = new([]);
    private bool _dirty;
    private long _watermark;
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal sealed record Entry(
        UInt128 Key, Guid Id, long Version, short Status, short Domain, short Modality, short AnnotationMethod, short QualityGrade,
        short Licence, short AccessLevel, string Province, string? AnnotationBaseCode, long VolumeBytes, int ZhShareBp, string SearchText)
    {
        /// <summary>Province and base as array slots, so counting facets needs no hashing.</summary>
        public int ProvinceSlot { get; } = Slots.Province(Province);

        public int BaseSlot { get; } = Slots.Base(AnnotationBaseCode);
    }

    private static class Slots
    {
        // Slot 0 is "no province" / "no base".
        public static readonly string[] Provinces = ["", .. Model.ReferenceData.Provinces.Keys.Order(StringComparer.Ordinal)];
        public static readonly string?[] Bases = [null, .. Model.ReferenceData.AnnotationBaseCodes.Order(StringComparer.Ordinal)];
        private static readonly Dictionary<string, int> ProvinceIndex = Provinces.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i, StringComparer.Ordinal);
        private static readonly Dictionary<string, int> BaseIndex = Bases.Skip(1).Select((b, i) => (b!, i + 1)).ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);

        public static int Province(string province) => ProvinceIndex.GetValueOrDefault(province);

        public static int Base(string? code) => code is null ? 0 : BaseIndex.GetValueOrDefault(code);
    }

    private sealed record IndexRow(
        Guid Id, long Version, short Status, short Domain, short Modality, short Annotation_Method, short Quality_Grade, short Licence,
        short Access_Level, string Province, string? Annotation_Base_Code, long Volume_Bytes, int Zh_Share_Bp, string Search_Text);

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

    /// <summary>Full datasets as last read or written, served while the index holds the same version.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, Dataset> _full = new();
    private const int MaxCachedDatasets = 100_000;

    /// <summary>The dataset if it is cached at the version the index knows (which trails other replicas' writes by a poll).</summary>
    public Dataset? TryGetCached(Guid id)
    {
        if (!Enabled || !_full.TryGetValue(id, out var dataset))
        {
            return null;
        }

        lock (_gate)
        {
            return _entries.TryGetValue(id, out var entry) && entry.Version == dataset.Version ? dataset : null;
        }
    }

    /// <summary>Caches a dataset just read from the database, if the index knows it at that version.</summary>
    public void Cache(Dataset dataset)
    {
        if (!Enabled || _full.Count >= MaxCachedDatasets)
        {
            return;
        }

        var id = Guid.Parse(dataset.Id);
        lock (_gate)
        {
            if (!_entries.TryGetValue(id, out var entry) || entry.Version != dataset.Version)
            {
                return;
            }
        }

        _full[id] = dataset;
    }

    /// <summary>Applies a dataset written by this replica, so the writer finds it at once.</summary>
    public void Apply(Dataset dataset)
    {
        if (!Enabled)
        {
            return;
        }

        var id = Guid.Parse(dataset.Id);
        if (_full.Count < MaxCachedDatasets)
        {
            _full[id] = dataset;
        }

        Upsert(new Entry(KeyOf(id), id, dataset.Version, (short)dataset.Status, (short)dataset.Domain, (short)dataset.Modality,
            (short)(dataset.Annotation?.Method ?? 0), (short)dataset.QualityGrade, (short)dataset.Licence, (short)dataset.AccessLevel,
            dataset.Provider?.Province ?? "", dataset.Annotation is { BaseCode.Length: > 0 } a ? a.BaseCode : null,
            dataset.VolumeBytes, DatasetValidation.ZhShare(dataset.LanguageShares), DatasetRow.SearchText(dataset)));
    }

    public sealed record Result(IReadOnlyList<Guid> PageIds, Guid? LastId, long TotalSize, IReadOnlyList<FacetRow> Facets);

    /// <summary>Matches newest first (id descending); facets count every match.</summary>
    public async Task<Result> SearchAsync(IReadOnlyList<string> terms, DatasetFilter filter, int pageSize, Guid? after, bool withFacets, CancellationToken cancellationToken)
    {
        await _loaded.Task.WaitAsync(cancellationToken);
        var snapshot = Current();
        var entries = snapshot.Entries;
        var candidates = snapshot.Candidates(terms);
        var match = Matcher(filter);
        var afterKey = after is { } a ? KeyOf(a) : UInt128.MaxValue;
        var page = new List<Guid>(pageSize + 1);
        long total = 0;
        var counts = withFacets ? new FacetCounter() : null;
        for (var w = 0; w < candidates.Length; w++)
        {
            var word = candidates[w];
            while (word != 0)
            {
                var entry = entries[(w << 6) + System.Numerics.BitOperations.TrailingZeroCount(word)];
                word &= word - 1;
                if (match is not null && !match(entry))
                {
                    continue;
                }

                total++;
                counts?.Add(entry);
                if (page.Count <= pageSize && entry.Key < afterKey)
                {
                    page.Add(entry.Id);
                }
            }
        }

        var lastId = page.Count > pageSize ? page[pageSize - 1] : (Guid?)null;
        return new Result(page.Take(pageSize).ToList(), lastId, total, counts?.Rows() ?? []);
    }

    /// <summary>The filter as a predicate; null when it filters nothing.</summary>
    private static Func<Entry, bool>? Matcher(DatasetFilter f)
    {
        if (f.Equals(new DatasetFilter()))
        {
            return null;
        }

        // Enum sets as 64-bit masks (every enum here has values below 64, as the facet counters assume): a bit test
        // per entry instead of a hash lookup, since anonymous searches always filter by status.
        static ulong Mask<T>(IEnumerable<T> values) where T : struct, Enum
        {
            var mask = 0UL;
            foreach (var value in values)
            {
                mask |= 1UL << (Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) & 63);
            }

            return mask == 0 ? ulong.MaxValue : mask;
        }

        static bool In(ulong mask, short value) => (mask & (1UL << (value & 63))) != 0;

        var statuses = Mask(f.Statuses);
        var domains = Mask(f.Domains);
        var modalities = Mask(f.Modalities);
        var methods = Mask(f.AnnotationMethods);
        var grades = Mask(f.QualityGrades);
        var licences = Mask(f.Licences);
        var access = Mask(f.AccessLevels);
        var provinces = f.Provinces.Count == 0 ? null : f.Provinces.ToHashSet(StringComparer.Ordinal);
        var bases = f.AnnotationBaseCodes.Count == 0 ? null : f.AnnotationBaseCodes.ToHashSet(StringComparer.Ordinal);
        var minVolume = f.MinVolumeBytes;
        var maxVolume = f.MaxVolumeBytes == 0 ? long.MaxValue : f.MaxVolumeBytes;
        var minZh = f.MinZhShareBp;
        return e =>
            In(statuses, e.Status)
            && In(domains, e.Domain)
            && In(modalities, e.Modality)
            && In(methods, e.AnnotationMethod)
            && In(grades, e.QualityGrade)
            && In(licences, e.Licence)
            && In(access, e.AccessLevel)
            && (provinces is null || provinces.Contains(e.Province))
            && (bases is null || bases.Contains(e.AnnotationBaseCode ?? "none"))
            && e.VolumeBytes >= minVolume && e.VolumeBytes <= maxVolume
            && e.ZhShareBp >= minZh;
    }

    /// <summary>Counts per facet value; enum values are kept as numbers, as the SQL path returns them.</summary>
    private sealed class FacetCounter
    {
        private readonly long[] _domain = new long[64], _modality = new long[64], _licence = new long[64], _status = new long[64];
        private readonly long[] _base = new long[Slots.Bases.Length], _province = new long[Slots.Provinces.Length];

        public void Add(Entry e)
        {
            _domain[e.Domain & 63]++;
            _modality[e.Modality & 63]++;
            _licence[e.Licence & 63]++;
            _status[e.Status & 63]++;
            _base[e.BaseSlot]++;
            _province[e.ProvinceSlot]++;
        }

        public IReadOnlyList<FacetRow> Rows()
        {
            var rows = new List<FacetRow>();
            Numbers("domain", _domain);
            Numbers("modality", _modality);
            rows.AddRange(_base.Select((count, slot) => new FacetRow("annotation_base", Slots.Bases[slot], count)).Where(r => r.Count > 0));
            Numbers("licence", _licence);
            rows.AddRange(_province.Select((count, slot) => new FacetRow("province", Slots.Provinces[slot], count)).Where(r => r.Count > 0));
            Numbers("status", _status);
            return rows;

            void Numbers(string field, long[] counts)
            {
                for (var i = 0; i < counts.Length; i++)
                {
                    if (counts[i] > 0)
                    {
                        rows.Add(new FacetRow(field, i.ToString(System.Globalization.CultureInfo.InvariantCulture), counts[i]));
                    }
                }
            }
        }
    }

    private Snapshot Current()
    {
        lock (_gate)
        {
            if (_dirty)
            {
                var entries = _entries.Values.ToArray();
                Array.Sort(entries, static (x, y) => y.Key.CompareTo(x.Key));
                _snapshot = new Snapshot(entries);
                _dirty = false;
            }

            return _snapshot;
        }
    }

    /// <summary>
    /// Entries newest first, with the set of entries containing each searched term memoised as a bitmap: popular
    /// words cost one substring scan per snapshot, then a bitmap AND per query.
    /// </summary>
    private sealed class Snapshot(Entry[] entries)
    {
        private const int MaxCachedTerms = 4096;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ulong[]> _terms = new(StringComparer.Ordinal);

        public Entry[] Entries { get; } = entries;

        /// <summary>Candidates containing every term (all entries when there is none).</summary>
        public ulong[] Candidates(IReadOnlyList<string> terms)
        {
            var words = (ulong[]?)null;
            foreach (var term in terms)
            {
                var bits = _terms.TryGetValue(term, out var cached) ? cached : Scan(term);
                if (words is null)
                {
                    words = (ulong[])bits.Clone();
                }
                else
                {
                    for (var i = 0; i < words.Length; i++)
                    {
                        words[i] &= bits[i];
                    }
                }
            }

            if (words is null)
            {
                words = new ulong[(Entries.Length + 63) / 64];
                Array.Fill(words, ulong.MaxValue);
                if (Entries.Length % 64 != 0)
                {
                    words[^1] = (1UL << (Entries.Length % 64)) - 1;
                }
            }

            return words;
        }

        private ulong[] Scan(string term)
        {
            var bits = new ulong[(Entries.Length + 63) / 64];
            for (var i = 0; i < Entries.Length; i++)
            {
                if (Entries[i].SearchText.Contains(term, StringComparison.Ordinal))
                {
                    bits[i >> 6] |= 1UL << (i & 63);
                }
            }

            if (_terms.Count < MaxCachedTerms)
            {
                _terms.TryAdd(term, bits);
            }

            return bits;
        }
    }

    private void Upsert(Entry entry)
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
            Upsert(new Entry(KeyOf(r.Id), r.Id, r.Version, r.Status, r.Domain, r.Modality, r.Annotation_Method, r.Quality_Grade, r.Licence,
                r.Access_Level, r.Province, r.Annotation_Base_Code, r.Volume_Bytes, r.Zh_Share_Bp, r.Search_Text));
        }

        await transaction.CommitAsync(cancellationToken);
        _watermark = watermark;
    }

    /// <summary>The id as PostgreSQL orders uuids: its 16 bytes, big-endian.</summary>
    private static UInt128 KeyOf(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    [LoggerMessage(LogLevel.Warning, "Search index poll failed; retrying at the next interval")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
