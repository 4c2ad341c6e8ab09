using System.Text;
using Dapper;
using Npgsql;
using Platform.Catalog.Model;
using Platform.Catalog.Search;
using Platform.Catalog.V1;
using Platform.Infrastructure.Grpc;

namespace Platform.Catalog.Data;

internal sealed record FacetRow(string Field, string? Value, long Count);

/// <summary>One bucket of the catalog's statistics; <c>Bytes</c> is summed exactly (numeric), as it can exceed int64.</summary>
internal sealed record StatsRow(string Field, string? Value, long Count, decimal Bytes);

internal sealed record SearchPage(IReadOnlyList<Dataset> Datasets, Guid? LastId, long TotalSize, IReadOnlyList<FacetRow> Facets);

/// <summary>The catalog's reads of datasets: one or a few by id, filtered listing, keyword search with facets, statistics.</summary>
internal sealed class DatasetQueries(NpgsqlDataSource dataSource, SearchIndex index, DatasetCache cache)
{
    /// <summary>Facet fields in response order, with the column each groups by.</summary>
    public static readonly (string Field, string Column, Type? Enum)[] FacetFields =
    [
        ("domain", "domain", typeof(V1.Domain)),
        ("modality", "modality", typeof(Modality)),
        ("annotation_base", "annotation_base_code", null),
        ("licence", "licence", typeof(V1.Licence)),
        ("province", "province", null),
        ("status", "status", typeof(CertificationStatus)),
    ];

    /// <summary>One dataset, from the dataset cache when it holds the version the search index knows, else from PostgreSQL.</summary>
    public async Task<Dataset?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        if (cache.TryGet(id) is { } cached)
        {
            return cached;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<DatasetRow>(new CommandDefinition(
            $"select {DatasetRow.Columns} from datasets where id = @id", new { id }, cancellationToken: cancellationToken));
        var dataset = row?.ToMessage();
        if (dataset is not null)
        {
            cache.Keep(dataset);
        }

        return dataset;
    }

    /// <summary>The datasets of <paramref name="ids"/> that exist, by id (read from the database, not cached).</summary>
    public async Task<IReadOnlyDictionary<Guid, Dataset>> FindManyAsync(Guid[] ids, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<DatasetRow>(new CommandDefinition(
            $"select {DatasetRow.Columns} from datasets where id = any(@ids)", new { ids }, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Id, r => r.ToMessage());
    }

    /// <param name="organisation">
    /// Limits the search to one provider's datasets (a provider listing its drafts): answered in SQL, as such lists are
    /// small and the in-memory index does not index organisations.
    /// </param>
    public async Task<SearchPage> SearchAsync(
        IReadOnlyList<string> terms, DatasetFilter filter, string? organisation, int pageSize, Guid? after, bool withFacets, CancellationToken cancellationToken)
    {
        if (index.Enabled && organisation is null)
        {
            var found = await index.SearchAsync(terms, filter, pageSize, after, withFacets, cancellationToken);
            var byId = new Dictionary<Guid, Dataset>();
            foreach (var id in found.PageIds)
            {
                if (cache.TryGet(id) is { } cached)
                {
                    byId[id] = cached;
                }
            }

            var missing = found.PageIds.Where(id => !byId.ContainsKey(id)).ToArray();
            if (missing.Length > 0)
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                foreach (var row in await connection.QueryAsync<DatasetRow>(new CommandDefinition(
                    $"select {DatasetRow.Columns} from datasets where id = any(@missing)", new { missing }, cancellationToken: cancellationToken)))
                {
                    var dataset = row.ToMessage();
                    cache.Keep(dataset);
                    byId[row.Id] = dataset;
                }
            }

            var datasets = found.PageIds.Where(byId.ContainsKey).Select(id => byId[id]).ToList();
            return new SearchPage(datasets, found.LastId, found.TotalSize, found.Facets);
        }

        return await QuerySearchAsync(terms, filter, organisation, pageSize, after, withFacets, cancellationToken);
    }

    /// <summary>
    /// The same search in SQL (LIKE on search_text, grouping-sets facets): a provider's own datasets (indexed by organisation), and
    /// every search when the in-memory index is off (then a scan: migration 0010 says why search_text has no index).
    /// </summary>
    private async Task<SearchPage> QuerySearchAsync(
        IReadOnlyList<string> terms, DatasetFilter filter, string? organisation, int pageSize, Guid? after, bool withFacets, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters();
        var where = Where(terms, filter, parameters);
        if (organisation is not null)
        {
            where = Append(where, "provider_organisation = @organisation");
            parameters.Add("organisation", organisation);
        }

        var pageWhere = after is { } a ? Append(where, "id < @after") : where;
        parameters.Add("after", after);
        parameters.Add("limit", pageSize + 1);

        var sql = new StringBuilder();
        sql.Append(CultureInvariant($"select {DatasetRow.Columns} from datasets where {pageWhere} order by id desc limit @limit;\n"));
        if (withFacets)
        {
            // One pass over the filtered set for all six facets; the grand total comes from the () grouping set.
            var values = string.Join(", ", FacetFields.Select(f => $"{f.Column}::text"));
            var sets = string.Join(", ", FacetFields.Select(f => $"({f.Column})"));
            sql.Append(CultureInvariant($"""
                select case {string.Join(" ", FacetFields.Select(f => $"when grouping({f.Column}) = 0 then '{f.Field}'"))} else '' end as field,
                       coalesce({values}) as value, count(*) as count
                from datasets where {where}
                group by grouping sets ({sets}, ());
                """));
        }
        else
        {
            sql.Append(CultureInvariant($"select '' as field, null as value, count(*) as count from datasets where {where};"));
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var grid = await connection.QueryMultipleAsync(new CommandDefinition(sql.ToString(), parameters, cancellationToken: cancellationToken));
        var rows = (await grid.ReadAsync<DatasetRow>()).AsList();
        var facets = (await grid.ReadAsync<FacetRow>()).AsList();
        var total = facets.FirstOrDefault(f => f.Field.Length == 0)?.Count ?? 0;
        var page = rows.Take(pageSize).Select(r => r.ToMessage()).ToList();
        var lastId = rows.Count > pageSize ? rows[pageSize - 1].Id : (Guid?)null;
        return new SearchPage(page, lastId, total, facets.Where(f => f.Field.Length > 0).ToList());
    }

    public async Task<IReadOnlyList<StatsRow>> StatsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<StatsRow>(new CommandDefinition(
            """
            select case when grouping(status) = 0 then 'status' when grouping(domain) = 0 then 'domain'
                        when grouping(modality) = 0 then 'modality' when grouping(annotation_base_code) = 0 then 'annotation_base'
                        when grouping(province) = 0 then 'province' else '' end as field,
                   coalesce(status::text, domain::text, modality::text, annotation_base_code, province) as value,
                   count(*) as count, coalesce(sum(volume_bytes), 0) as bytes
            from datasets
            group by grouping sets ((status), (domain), (modality), (annotation_base_code), (province), ())
            """, cancellationToken: cancellationToken))).AsList();
    }

    public async Task<IReadOnlyList<AnnotationBase>> AnnotationBasesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync(new CommandDefinition(
            """
            select b.code, b.city_zh, b.city_en, b.province, b.province_zh, b.province_en,
                   count(d.id) as dataset_count, coalesce(sum(d.volume_bytes), 0) as volume_bytes,
                   count(d.id) filter (where d.status = @certified) as certified_dataset_count
            from annotation_bases b left join datasets d on d.annotation_base_code = b.code
            group by b.code order by min(b.sort_order)
            """, new { certified = (short)CertificationStatus.Certified }, cancellationToken: cancellationToken));
        return rows.Select(r => new AnnotationBase
        {
            Code = (string)r.code,
            CityZh = (string)r.city_zh,
            CityEn = (string)r.city_en,
            Province = (string)r.province,
            ProvinceZh = (string)r.province_zh,
            ProvinceEn = (string)r.province_en,
            DatasetCount = (long)r.dataset_count,
            VolumeBytes = Totals.Saturated((decimal)r.volume_bytes),
            VolumeBytesExact = Totals.Exact((decimal)r.volume_bytes),
            CertifiedDatasetCount = (long)r.certified_dataset_count,
        }).ToList();
    }

    /// <summary>The SQL condition of a filter plus keyword terms (each must occur somewhere in search_text).</summary>
    private static string Where(IReadOnlyList<string> terms, DatasetFilter f, DynamicParameters p)
    {
        var conditions = new List<string>();
        for (var i = 0; i < terms.Count; i++)
        {
            // search_text is stored lower-cased, so LIKE '%term%' matches as the in-memory index does.
            conditions.Add($"search_text like @term{i}");
            p.Add($"term{i}", "%" + EscapeLike(terms[i]) + "%");
        }

        AnyOf(conditions, p, "status", "statuses", f.Statuses.Select(v => (short)v));
        AnyOf(conditions, p, "domain", "domains", f.Domains.Select(v => (short)v));
        AnyOf(conditions, p, "modality", "modalities", f.Modalities.Select(v => (short)v));
        AnyOf(conditions, p, "annotation_method", "annotationMethods", f.AnnotationMethods.Select(v => (short)v));
        AnyOf(conditions, p, "quality_grade", "qualityGrades", f.QualityGrades.Select(v => (short)v));
        AnyOf(conditions, p, "licence", "licences", f.Licences.Select(v => (short)v));
        AnyOf(conditions, p, "access_level", "accessLevels", f.AccessLevels.Select(v => (short)v));
        AnyOf(conditions, p, "province", "provinces", f.Provinces.Distinct());
        if (f.AnnotationBaseCodes.Count > 0)
        {
            var codes = f.AnnotationBaseCodes.Where(c => c != "none").Distinct().ToArray();
            var none = f.AnnotationBaseCodes.Contains("none");
            conditions.Add(codes.Length == 0
                ? "annotation_base_code is null"
                : none ? "(annotation_base_code = any(@baseCodes) or annotation_base_code is null)" : "annotation_base_code = any(@baseCodes)");
            p.Add("baseCodes", codes);
        }

        if (f.MinVolumeBytes > 0)
        {
            conditions.Add("volume_bytes >= @minVolume");
            p.Add("minVolume", f.MinVolumeBytes);
        }

        if (f.MaxVolumeBytes > 0)
        {
            conditions.Add("volume_bytes <= @maxVolume");
            p.Add("maxVolume", f.MaxVolumeBytes);
        }

        if (f.MinZhShareBp > 0)
        {
            conditions.Add("zh_share_bp >= @minZhShare");
            p.Add("minZhShare", f.MinZhShareBp);
        }

        return conditions.Count == 0 ? "true" : string.Join(" and ", conditions);
    }

    private static void AnyOf<T>(List<string> conditions, DynamicParameters p, string column, string name, IEnumerable<T> values)
    {
        var array = values.Distinct().ToArray();
        if (array.Length > 0)
        {
            conditions.Add($"{column} = any(@{name})");
            p.Add(name, array);
        }
    }

    private static string Append(string where, string condition) => where == "true" ? condition : $"{where} and {condition}";

    private static string EscapeLike(string term) =>
        term.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private static string CultureInvariant(FormattableString s) => FormattableString.Invariant(s);
}
