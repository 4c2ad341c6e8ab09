using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Platform.Catalog.Data;
using Platform.Catalog.Model;
using Platform.Catalog.V1;
using Platform.Catalog.Validation;
using Platform.Infrastructure.Access;
using Platform.Infrastructure.Grpc;
using Platform.Infrastructure.Writes;
using Platform.Audit.V1;

namespace Platform.Catalog.Grpc;

internal sealed class CatalogGrpcService(
    DatasetStore store, DatasetQueries queries, EvaluationStore evaluations, EvaluationQueries evaluationQueries, LineageStore lineage, RevisionStore revisions, PageTokens pageTokens, AuditTrail audit, HistoryTrail history, TimeProvider time)
    : CatalogService.CatalogServiceBase
{
    private const int MaxSearchTerms = 8;

    [Authorize(Policy = Rights.Provider)]
    [WriteMethod]
    public override async Task<Dataset> RegisterDataset(RegisterDatasetRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: false);
        var content = Content(request, violations, "");
        violations.ThrowIfAny();
        DatasetAccess.RequireOwn(Caller.Of(context), content.Provider.Organisation);
        return (await store.RegisterAsync(WriteCall.Of(context), [new(new(request.RequestId, request), content)], ItemNaming.Single, context.CancellationToken))[0];
    }

    [Authorize(Policy = Rights.Provider)]
    [WriteMethod]
    public override async Task<BatchRegisterDatasetsResponse> BatchRegisterDatasets(BatchRegisterDatasetsRequest request, ServerCallContext context)
    {
        var violations = BatchViolations(request.Requests.Select(r => r.RequestId).ToList());
        var items = request.Requests.Select((r, i) => new DatasetStore.Registration(new(r.RequestId, r), Content(r, violations, $"requests[{i}]."))).ToArray();
        violations.ThrowIfAny();
        var caller = Caller.Of(context);
        foreach (var organisation in items.Select(i => i.Content.Provider.Organisation).Distinct())
        {
            DatasetAccess.RequireOwn(caller, organisation);
        }

        return new() { Datasets = { await store.RegisterAsync(WriteCall.Of(context, nameof(RegisterDataset)), items, ItemNaming.Batch, context.CancellationToken) } };
    }

    private static Dataset Content(RegisterDatasetRequest request, FieldViolations violations, string prefix)
    {
        var content = new Dataset
        {
            Name = request.Name,
            NameEn = request.NameEn,
            DescriptionZh = request.DescriptionZh,
            DescriptionEn = request.DescriptionEn,
            Domain = request.Domain,
            Modality = request.Modality,
            VolumeBytes = request.VolumeBytes,
            RecordCount = request.RecordCount,
            TokenCount = request.TokenCount,
            LanguageShares = { request.LanguageShares.Select(s => s.Clone()) },
            Annotation = request.Annotation?.Clone() ?? new Annotation(),
            QualityGrade = request.QualityGrade,
            Licence = request.Licence,
            AccessLevel = request.AccessLevel,
            Provider = request.Provider?.Clone() ?? new Provider(),
            Keywords = { request.Keywords },
            Edition = request.Edition,
        };
        DatasetValidation.Content(content, violations, prefix);
        return content;
    }

    [AllowAnonymous]
    public override async Task<Dataset> GetDataset(GetDatasetRequest request, ServerCallContext context)
    {
        var id = ValidId(request.Id, "id");
        return DatasetAccess.Readable(Caller.Of(context), await store.FindAsync(id, context.CancellationToken), request.Id);
    }

    [AllowAnonymous]
    public override async Task<BatchGetDatasetsResponse> BatchGetDatasets(BatchGetDatasetsRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.Require(request.Ids.Count is > 0 and <= BatchReads.MaxIds, "ids", $"must hold 1 to {BatchReads.MaxIds} ids");
        var ids = request.Ids.Select((id, i) => DatasetValidation.Id(id, $"ids[{i}]", violations)).ToArray();
        violations.ThrowIfAny();

        var found = (await store.FindManyAsync(ids.Distinct().ToArray(), context.CancellationToken)).ToDictionary(r => r.Id);
        var response = new BatchGetDatasetsResponse();
        var caller = Caller.Of(context);
        foreach (var id in ids)
        {
            response.Datasets.Add(DatasetAccess.Readable(caller, found.TryGetValue(id, out var row) ? row.ToMessage() : null, id.ToString()));
        }

        return response;
    }

    [Authorize(Policy = Rights.Provider)]
    [WriteMethod]
    public override Task<Dataset> UpdateDataset(UpdateDatasetRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: false);
        violations.Require(request.Dataset is not null, "dataset", Fields.Required);
        var id = request.Dataset is null ? Guid.Empty : DatasetValidation.Id(request.Dataset.Id, "dataset.id", violations);
        var paths = request.UpdateMask?.Paths.ToList() ?? [];
        violations.Require(paths.Count > 0, "update_mask", "must name at least one field");
        foreach (var path in paths.Where(p => !DatasetMask.IsUpdatable(p)))
        {
            violations.Add("update_mask", DatasetMask.NotUpdatable(path));
        }

        violations.Require(request.ExpectedVersion >= 0, "expected_version", "must not be negative");
        violations.ThrowIfAny();

        var caller = Caller.Of(context);
        return store.UpdateAsync(WriteCall.Of(context), new(request.RequestId, request), id, request.ExpectedVersion, current =>
        {
            // Checked on the stored row, inside the update's transaction; a change of organisation must stay its own.
            DatasetAccess.RequireOwn(caller, current.Provider?.Organisation);
            DatasetMask.Apply(request.Dataset!, current, paths);
            DatasetAccess.RequireOwn(caller, current.Provider?.Organisation);
            var merged = new FieldViolations();
            DatasetValidation.Content(current, merged, "dataset.");
            merged.ThrowIfAny();
            return current;
        }, context.CancellationToken);
    }

    [Authorize(Policy = Rights.Provider)]
    [WriteMethod]
    public override async Task<Dataset> SubmitForCertification(SubmitForCertificationRequest request, ServerCallContext context)
    {
        var id = Target(request.RequestId, request.Id);
        await RequireOwnAsync(Caller.Of(context), [id], context.CancellationToken);
        return (await store.SubmitAsync(WriteCall.Of(context), [new(new(request.RequestId, request), id)], ItemNaming.Single, context.CancellationToken))[0];
    }

    [Authorize(Policy = Rights.Provider)]
    [WriteMethod]
    public override async Task<BatchSubmitForCertificationResponse> BatchSubmitForCertification(BatchSubmitForCertificationRequest request, ServerCallContext context)
    {
        var violations = BatchViolations(request.Requests.Select(r => r.RequestId).ToList());
        var ids = request.Requests.Select((r, i) => DatasetValidation.Id(r.Id, $"requests[{i}].id", violations)).ToArray();
        DatasetValidation.DistinctDatasetIds(ids, violations);
        violations.ThrowIfAny();
        await RequireOwnAsync(Caller.Of(context), ids, context.CancellationToken);
        var items = request.Requests.Select((r, i) => new DatasetStore.Submission(new(r.RequestId, r), ids[i])).ToArray();
        return new() { Datasets = { await store.SubmitAsync(WriteCall.Of(context, nameof(SubmitForCertification)), items, ItemNaming.Batch, context.CancellationToken) } };
    }

    [Authorize(Policy = Rights.Authenticated)]
    [WriteMethod]
    public override Task<Objection> RaiseObjection(RaiseObjectionRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: false);
        var id = DatasetValidation.Id(request.Id, "id", violations);
        var objector = request.Objector.Trim();
        var reason = request.Reason.Trim();
        violations.Require(objector.Length > 0, "objector", Fields.Required)
            .Require(objector.Length <= DatasetValidation.MaxOrganisationLength, "objector", $"must be at most {DatasetValidation.MaxOrganisationLength} characters")
            .Require(reason.Length > 0, "reason", Fields.Required)
            .Require(reason.Length <= DatasetValidation.MaxTextLength, "reason", $"must be at most {DatasetValidation.MaxTextLength} characters")
            .ThrowIfAny();
        return store.RaiseObjectionAsync(WriteCall.Of(context), new(request.RequestId, request), id, objector, reason, context.CancellationToken);
    }

    /// <summary>By a certifier, or by the dataset's provider; a dataset the caller may not see is NOT_FOUND to it.</summary>
    [Authorize(Policy = Rights.Authenticated)]
    [WriteMethod]
    public override async Task<Evaluation> RecordEvaluation(RecordEvaluationRequest request, ServerCallContext context)
    {
        var evaluation = EvaluationValidation.Validate(request, time.GetUtcNow());
        var caller = Caller.Of(context);
        var dataset = DatasetAccess.Readable(caller, await store.FindAsync(evaluation.DatasetId, context.CancellationToken), request.DatasetId);
        if (!caller.Has(Rights.Certifier))
        {
            DatasetAccess.RequireOwn(caller, dataset.Provider?.Organisation);
        }

        return await evaluations.RecordAsync(WriteCall.Of(context), new(request.RequestId, request), evaluation, context.CancellationToken);
    }

    [Authorize(Policy = Rights.Provider)]
    [WriteMethod]
    public override async Task<DatasetLineage> SetDatasetSources(SetDatasetSourcesRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: false);
        var id = DatasetValidation.Id(request.Id, "id", violations);
        var sources = request.SourceIds.Select((s, i) => DatasetValidation.Id(s, $"source_ids[{i}]", violations)).ToArray();
        violations.Require(sources.Length <= LineageStore.MaxSources, "source_ids", $"at most {LineageStore.MaxSources} sources")
            .Require(sources.Distinct().Count() == sources.Length, "source_ids", "must not name a dataset twice")
            .Require(!sources.Contains(id) || id == Guid.Empty, "source_ids", "must not name the dataset itself")
            .ThrowIfAny();
        var caller = Caller.Of(context);
        var dataset = DatasetAccess.Readable(caller, await store.FindAsync(id, context.CancellationToken), request.Id);
        DatasetAccess.RequireOwn(caller, dataset.Provider?.Organisation);
        return await lineage.SetSourcesAsync(WriteCall.Of(context), new(request.RequestId, request), id, sources, context.CancellationToken);
    }

    [AllowAnonymous]
    public override async Task<DatasetLineage> GetDatasetLineage(GetDatasetLineageRequest request, ServerCallContext context)
    {
        var id = ValidId(request.Id, "id");
        DatasetAccess.Readable(Caller.Of(context), await store.FindAsync(id, context.CancellationToken), request.Id);
        return await lineage.GetAsync(id, context.CancellationToken);
    }

    [AllowAnonymous]
    public override async Task<ListEvaluationsResponse> ListEvaluations(ListEvaluationsRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        var datasetId = violations.OptionalUuid(request.DatasetId, "dataset_id", "dataset");
        var model = request.Model.Trim();
        violations.Require(request.DatasetId.Length > 0 ^ model.Length > 0, request.DatasetId.Length > 0 ? "model" : "dataset_id",
                "exactly one of dataset_id and model is required")
            .Require(model.Length <= DatasetValidation.MaxNameLength, "model", $"must be at most {DatasetValidation.MaxNameLength} characters");
        var pageSize = PageSize.Of(request.PageSize, violations);
        var pageQuery = PageQuery.Of(nameof(ListEvaluations), datasetId?.ToString(), model);
        var after = pageTokens.Decode(request.PageToken, pageQuery, violations);
        violations.ThrowIfAny();

        var page = await evaluationQueries.ListAsync(datasetId, model.Length > 0 ? model : null, pageSize + 1, after?.Ticks, context.CancellationToken);
        var response = new ListEvaluationsResponse { Evaluations = { page.Take(pageSize).Select(p => p.Evaluation) } };
        if (page.Count > pageSize)
        {
            // The key is the last evaluation's place in the order of recording.
            response.NextPageToken = pageTokens.Encode(pageQuery, new PageKey(page[pageSize - 1].Seq, Guid.Parse(page[pageSize - 1].Evaluation.Id)));
        }

        return response;
    }

    [Authorize(Policy = Rights.Provider)]
    [WriteMethod]
    public override Task<DatasetRevision> CreateDatasetRevision(CreateDatasetRevisionRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: false);
        var id = DatasetValidation.Id(request.DatasetId, "dataset_id", violations);
        var content = new Dataset
        {
            VolumeBytes = request.VolumeBytes,
            RecordCount = request.RecordCount,
            TokenCount = request.TokenCount,
            LanguageShares = { request.LanguageShares.Select(s => s.Clone()) },
        };
        DatasetValidation.Measures(content, violations);
        var note = request.Note.Trim();
        violations.Require(note.Length > 0, "note", Fields.Required)
            .Require(note.Length <= DatasetValidation.MaxTextLength, "note", $"must be at most {DatasetValidation.MaxTextLength} characters")
            .Require(request.ExpectedVersion >= 0, "expected_version", "must not be negative")
            .ThrowIfAny();
        var caller = Caller.Of(context);
        return revisions.CreateAsync(WriteCall.Of(context), new(request.RequestId, request), id, request.ExpectedVersion, content, note,
            organisation => DatasetAccess.RequireOwn(caller, organisation), context.CancellationToken);
    }

    [Authorize(Policy = Rights.Certifier)]
    [WriteMethod]
    public override Task<Dataset> CertifyDatasetRevision(CertifyDatasetRevisionRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: false);
        var id = DatasetValidation.Id(request.DatasetId, "dataset_id", violations);
        violations.Require(request.Revision > 0, "revision", "must be a revision number (1 or more)").ThrowIfAny();
        return revisions.CertifyAsync(WriteCall.Of(context), new(request.RequestId, request), id, request.Revision, context.CancellationToken);
    }

    [AllowAnonymous]
    public override async Task<ListDatasetRevisionsResponse> ListDatasetRevisions(ListDatasetRevisionsRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        var id = DatasetValidation.Id(request.DatasetId, "dataset_id", violations);
        var pageSize = PageSize.Of(request.PageSize, violations);
        var pageQuery = PageQuery.Of(nameof(ListDatasetRevisions), id.ToString());
        var after = pageTokens.Decode(request.PageToken, pageQuery, violations);
        violations.ThrowIfAny();
        DatasetAccess.Readable(Caller.Of(context), await store.FindAsync(id, context.CancellationToken), request.DatasetId);

        var page = await revisions.ListAsync(id, (int?)after?.Ticks, pageSize + 1, context.CancellationToken);
        var response = new ListDatasetRevisionsResponse { Revisions = { page.Take(pageSize) } };
        if (page.Count > pageSize)
        {
            response.NextPageToken = pageTokens.Encode(pageQuery, new PageKey(page[pageSize - 1].Revision, id));
        }

        return response;
    }

    [Authorize(Policy = Rights.Certifier)]
    [WriteMethod]
    public override async Task<Dataset> CertifyDataset(CertifyDatasetRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: false);
        var item = Certifying(request, violations, "");
        violations.ThrowIfAny();
        return (await store.CertifyAsync(WriteCall.Of(context), [item], ItemNaming.Single, context.CancellationToken))[0];
    }

    [Authorize(Policy = Rights.Certifier)]
    [WriteMethod]
    public override async Task<BatchCertifyDatasetsResponse> BatchCertifyDatasets(BatchCertifyDatasetsRequest request, ServerCallContext context)
    {
        var violations = BatchViolations(request.Requests.Select(r => r.RequestId).ToList());
        var items = request.Requests.Select((r, i) => Certifying(r, violations, $"requests[{i}].")).ToArray();
        DatasetValidation.DistinctDatasetIds(items.Select(i => i.Id).ToArray(), violations);
        violations.ThrowIfAny();
        return new() { Datasets = { await store.CertifyAsync(WriteCall.Of(context, nameof(CertifyDataset)), items, ItemNaming.Batch, context.CancellationToken) } };
    }

    private static DatasetStore.Certifying Certifying(CertifyDatasetRequest request, FieldViolations violations, string prefix)
    {
        var id = DatasetValidation.Id(request.Id, prefix + "id", violations);
        var dismissed = request.DismissedObjectionIds.Select((o, i) => DatasetValidation.Id(o, $"{prefix}dismissed_objection_ids[{i}]", violations)).ToHashSet();
        return new(new(request.RequestId, request), id, dismissed);
    }

    [Authorize(Policy = Rights.Certifier)]
    [WriteMethod]
    public override Task<Dataset> RejectDataset(RejectDatasetRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: false);
        var id = DatasetValidation.Id(request.Id, "id", violations);
        var reason = request.Reason.Trim();
        violations.Require(reason.Length > 0, "reason", Fields.Required)
            .Require(reason.Length <= DatasetValidation.MaxTextLength, "reason", $"must be at most {DatasetValidation.MaxTextLength} characters")
            .ThrowIfAny();
        return store.RejectAsync(WriteCall.Of(context), new(request.RequestId, request), id, reason, context.CancellationToken);
    }

    [Authorize(Policy = Rights.Certifier)]
    [WriteMethod]
    public override Task<Dataset> RetireDataset(RetireDatasetRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: false);
        var id = DatasetValidation.Id(request.Id, "id", violations);
        violations.Require(request.Reason.Length <= DatasetValidation.MaxTextLength, "reason", $"must be at most {DatasetValidation.MaxTextLength} characters")
            .ThrowIfAny();
        return store.RetireAsync(WriteCall.Of(context), new(request.RequestId, request), id, context.CancellationToken);
    }

    /// <summary>The catalog's audit trail; a provider sees its own calls and the events of its organisation's datasets.</summary>
    [Authorize(Policy = Rights.Authenticated)]
    public override Task<ListAuditEventsResponse> ListAuditEvents(ListAuditEventsRequest request, ServerCallContext context) =>
        audit.ListAsync(request, Caller.Of(context), context.CancellationToken);

    /// <summary>A record's history; a provider sees its own changes and those of its organisation's datasets.</summary>
    [Authorize(Policy = Rights.Authenticated)]
    public override Task<Platform.History.V1.ListHistoryResponse> ListHistory(Platform.History.V1.ListHistoryRequest request, ServerCallContext context) =>
        history.ListAsync(request, Caller.Of(context), context.CancellationToken);

    [AllowAnonymous]
    public override async Task<ListDatasetsResponse> ListDatasets(ListDatasetsRequest request, ServerCallContext context)
    {
        var (filter, organisation, pageSize, after, pageQuery) = Paging(Caller.Of(context), nameof(ListDatasets), "", request.Filter, request.PageSize, request.PageToken);
        var page = await queries.SearchAsync([], filter, organisation, pageSize, after, withFacets: false, context.CancellationToken);
        return new ListDatasetsResponse
        {
            Datasets = { page.Datasets },
            NextPageToken = page.LastId is { } last ? pageTokens.Encode(pageQuery, new PageKey(last)) : "",
            TotalSize = page.TotalSize,
        };
    }

    [AllowAnonymous]
    public override async Task<SearchDatasetsResponse> SearchDatasets(SearchDatasetsRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.Require(request.Query.Length <= DatasetValidation.MaxQueryLength, "query", $"must be at most {DatasetValidation.MaxQueryLength} characters");
        var terms = request.Query.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
        violations.Require(terms.Count <= MaxSearchTerms, "query", $"at most {MaxSearchTerms} words");
        violations.ThrowIfAny();

        var (filter, organisation, pageSize, after, pageQuery) = Paging(Caller.Of(context), nameof(SearchDatasets), string.Join(' ', terms), request.Filter, request.PageSize, request.PageToken);
        var page = await queries.SearchAsync(terms, filter, organisation, pageSize, after, withFacets: !request.SkipFacets, context.CancellationToken);
        var response = new SearchDatasetsResponse
        {
            Datasets = { page.Datasets },
            NextPageToken = page.LastId is { } last ? pageTokens.Encode(pageQuery, new PageKey(last)) : "",
            TotalSize = page.TotalSize,
        };
        if (!request.SkipFacets)
        {
            foreach (var (field, _, enumType) in DatasetQueries.FacetFields)
            {
                var facet = new Facet { Field = field };
                facet.Values.AddRange(page.Facets
                    .Where(f => f.Field == field && f.Count > 0)
                    .Select(f => new FacetValue { Value = FacetValueName(field, enumType, f.Value), Count = f.Count })
                    .Where(v => v.Value.Length > 0)
                    .OrderByDescending(v => v.Count).ThenBy(v => v.Value, StringComparer.Ordinal));
                response.Facets.Add(facet);
            }
        }

        return response;
    }

    [AllowAnonymous]
    public override async Task<ListAnnotationBasesResponse> ListAnnotationBases(ListAnnotationBasesRequest request, ServerCallContext context) =>
        new() { AnnotationBases = { await queries.AnnotationBasesAsync(context.CancellationToken) } };

    [AllowAnonymous]
    public override async Task<CatalogStats> GetCatalogStats(GetCatalogStatsRequest request, ServerCallContext context)
    {
        var rows = await queries.StatsAsync(context.CancellationToken);
        var stats = new CatalogStats { VolumeBytesExact = Totals.Exact(0), CertifiedVolumeBytesExact = Totals.Exact(0) };
        foreach (var row in rows)
        {
            if (row.Field.Length == 0)
            {
                stats.DatasetCount = row.Count;
                stats.VolumeBytes = Totals.Saturated(row.Bytes);
                stats.VolumeBytesExact = Totals.Exact(row.Bytes);
                continue;
            }

            var (list, enumType) = row.Field switch
            {
                "status" => (stats.ByStatus, typeof(CertificationStatus)),
                "domain" => (stats.ByDomain, typeof(V1.Domain)),
                "modality" => (stats.ByModality, typeof(Modality)),
                "annotation_base" => (stats.ByAnnotationBase, (Type?)null),
                _ => (stats.ByProvince, null),
            };
            var key = FacetValueName(row.Field, enumType, row.Value);
            if (row.Field == "province" && key.Length == 0)
            {
                key = "unknown";
            }

            list.Add(new StatsBucket
            {
                Key = key,
                DatasetCount = row.Count,
                VolumeBytes = Totals.Saturated(row.Bytes),
                VolumeBytesExact = Totals.Exact(row.Bytes),
            });
            if (row.Field == "status" && key == "certified")
            {
                stats.CertifiedDatasetCount = row.Count;
                stats.CertifiedVolumeBytes = Totals.Saturated(row.Bytes);
                stats.CertifiedVolumeBytesExact = Totals.Exact(row.Bytes);
            }
        }

        foreach (var list in new[] { stats.ByStatus, stats.ByDomain, stats.ByModality, stats.ByAnnotationBase, stats.ByProvince })
        {
            var sorted = list.OrderByDescending(b => b.DatasetCount).ThenBy(b => b.Key, StringComparer.Ordinal).ToList();
            list.Clear();
            list.AddRange(sorted);
        }

        return stats;
    }

    private static string FacetValueName(string field, Type? enumType, string? value) =>
        enumType is not null && int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? ReferenceData.EnumName(enumType, number)
            : field == "annotation_base" && value is null ? "none" : value ?? "";

    private (DatasetFilter Filter, string? Organisation, int PageSize, Guid? After, PageQuery Query) Paging(
        Caller caller, string method, string query, DatasetFilter? filter, int requestedPageSize, string pageToken)
    {
        var violations = new FieldViolations();
        filter = filter?.Clone() ?? new DatasetFilter();
        var organisation = DatasetAccess.LimitToReadable(caller, filter);
        DatasetValidation.Filter(filter, violations);
        var pageSize = PageSize.Of(requestedPageSize, violations);
        var pageQuery = PageQuery.Of(method, query, filter, organisation);
        var after = pageTokens.Decode(pageToken, pageQuery, violations);
        violations.ThrowIfAny();
        return (filter, organisation, pageSize, after?.Id, pageQuery);
    }

    /// <summary>
    /// A provider submits only datasets of its own organisation: checked on the stored rows before the submission (an
    /// unknown id is left for the store to answer NOT_FOUND). Administrators skip the read.
    /// </summary>
    private async Task RequireOwnAsync(Caller caller, Guid[] ids, CancellationToken cancellationToken)
    {
        if (caller.IsAdmin)
        {
            return;
        }

        foreach (var row in await store.FindManyAsync(ids.Distinct().ToArray(), cancellationToken))
        {
            DatasetAccess.RequireOwn(caller, row.Provider_Organisation);
        }
    }

    /// <summary>Checks a batch's size (throwing at once when it is wrong) and its items' request ids.</summary>
    private static FieldViolations BatchViolations(IReadOnlyList<string> requestIds)
    {
        var violations = new FieldViolations();
        if (!BatchWrites.Size(requestIds.Count, violations))
        {
            violations.ThrowIfAny();
        }

        BatchWrites.RequestIds(requestIds, violations);
        return violations;
    }

    private static Guid Target(string requestId, string id)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(requestId, required: false);
        var parsed = DatasetValidation.Id(id, "id", violations);
        violations.ThrowIfAny();
        return parsed;
    }

    private static Guid ValidId(string id, string field)
    {
        var violations = new FieldViolations();
        var parsed = DatasetValidation.Id(id, field, violations);
        violations.ThrowIfAny();
        return parsed;
    }
}
