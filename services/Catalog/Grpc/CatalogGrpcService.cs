using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Platform.Audit.V1;
using Platform.Catalog.Data;
using Platform.Catalog.V1;
using Platform.Catalog.Validation;
using Platform.History.V1;
using Platform.Infrastructure.Access;
using Platform.Infrastructure.Errors;
using Platform.Infrastructure.Grpc;
using Platform.Infrastructure.Writes;

namespace Platform.Catalog.Grpc;

/// <summary>
/// The catalog's gRPC (and JSON) face: each method checks the request (<see cref="CatalogRequests"/>) and the caller's
/// access (<see cref="DatasetAccess"/>), then delegates to a store (writes) or a query (reads) and answers.
/// </summary>
internal sealed class CatalogGrpcService(
    DatasetStore store, DatasetQueries queries, EvaluationStore evaluations, LineageStore lineage, RevisionStore revisions,
    CatalogPages pages, AuditTrail audit, HistoryTrail history, TimeProvider time)
    : CatalogService.CatalogServiceBase
{
    private const int MaxSearchTerms = 8;

    [Authorize(Policy = Rights.Provider)]
    [WriteMethod]
    public override async Task<Dataset> RegisterDataset(RegisterDatasetRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: false);
        var content = CatalogRequests.Registration(request, violations);
        violations.ThrowIfAny();
        DatasetAccess.RequireOwn(Caller.Of(context), content.Provider.Organisation);
        return (await store.RegisterAsync(WriteCall.Of(context), [new(new(request.RequestId, request), content, request.SubmitForCertification)], ItemNaming.Single, context.CancellationToken))[0];
    }

    [Authorize(Policy = Rights.Provider)]
    [WriteMethod]
    public override async Task<BatchRegisterDatasetsResponse> BatchRegisterDatasets(BatchRegisterDatasetsRequest request, ServerCallContext context)
    {
        var violations = BatchWrites.Violations(request.Requests.Select(r => r.RequestId).ToList());
        var items = request.Requests.Select((r, i) => new DatasetStore.Registration(new(r.RequestId, r), CatalogRequests.Registration(r, violations, ItemNaming.Batch.Prefix(i)), r.SubmitForCertification)).ToArray();
        violations.ThrowIfAny();
        var caller = Caller.Of(context);
        foreach (var organisation in items.Select(i => i.Content.Provider.Organisation).Distinct())
        {
            DatasetAccess.RequireOwn(caller, organisation);
        }

        return new() { Datasets = { await store.RegisterAsync(WriteCall.Of(context, nameof(RegisterDataset)), items, ItemNaming.Batch, context.CancellationToken) } };
    }

    [AllowAnonymous]
    public override async Task<Dataset> GetDataset(GetDatasetRequest request, ServerCallContext context)
    {
        var id = CatalogRequests.Id(request.Id, "id");
        return DatasetAccess.Readable(Caller.Of(context), await queries.FindAsync(id, context.CancellationToken), request.Id);
    }

    [AllowAnonymous]
    public override async Task<BatchGetDatasetsResponse> BatchGetDatasets(BatchGetDatasetsRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.Require(request.Ids.Count is > 0 and <= BatchReads.MaxIds, "ids", $"must hold 1 to {BatchReads.MaxIds} ids");
        var ids = request.Ids.Select((id, i) => DatasetValidation.Id(id, $"ids[{i}]", violations)).ToArray();
        violations.ThrowIfAny();

        var found = await queries.FindManyAsync(ids.Distinct().ToArray(), context.CancellationToken);
        var caller = Caller.Of(context);
        return new() { Datasets = { ids.Select(id => DatasetAccess.Readable(caller, found.GetValueOrDefault(id), id.ToString())) } };
    }

    [Authorize(Policy = Rights.Provider)]
    [WriteMethod]
    public override Task<Dataset> UpdateDataset(UpdateDatasetRequest request, ServerCallContext context)
    {
        var (id, paths) = CatalogRequests.Update(request);
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
        var id = CatalogRequests.Target(request.RequestId, request.Id);
        await RequireOwnAsync(Caller.Of(context), [id], context.CancellationToken);
        return (await store.SubmitAsync(WriteCall.Of(context), [new(new(request.RequestId, request), id)], ItemNaming.Single, context.CancellationToken))[0];
    }

    [Authorize(Policy = Rights.Provider)]
    [WriteMethod]
    public override async Task<BatchSubmitForCertificationResponse> BatchSubmitForCertification(BatchSubmitForCertificationRequest request, ServerCallContext context)
    {
        var violations = BatchWrites.Violations(request.Requests.Select(r => r.RequestId).ToList());
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
        var (id, objector, reason) = CatalogRequests.Objection(request);
        return store.RaiseObjectionAsync(WriteCall.Of(context), new(request.RequestId, request), id, objector, reason, context.CancellationToken);
    }

    [Authorize(Policy = Rights.Certifier)]
    [WriteMethod]
    public override async Task<Dataset> CertifyDataset(CertifyDatasetRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: false);
        var item = CatalogRequests.Certifying(request, violations);
        violations.ThrowIfAny();
        return (await store.CertifyAsync(WriteCall.Of(context), [item], ItemNaming.Single, context.CancellationToken))[0];
    }

    [Authorize(Policy = Rights.Certifier)]
    [WriteMethod]
    public override async Task<BatchCertifyDatasetsResponse> BatchCertifyDatasets(BatchCertifyDatasetsRequest request, ServerCallContext context)
    {
        var violations = BatchWrites.Violations(request.Requests.Select(r => r.RequestId).ToList());
        var items = request.Requests.Select((r, i) => CatalogRequests.Certifying(r, violations, ItemNaming.Batch.Prefix(i))).ToArray();
        DatasetValidation.DistinctDatasetIds(items.Select(i => i.Id).ToArray(), violations);
        violations.ThrowIfAny();
        return new() { Datasets = { await store.CertifyAsync(WriteCall.Of(context, nameof(CertifyDataset)), items, ItemNaming.Batch, context.CancellationToken) } };
    }

    [Authorize(Policy = Rights.Certifier)]
    [WriteMethod]
    public override Task<Dataset> RejectDataset(RejectDatasetRequest request, ServerCallContext context)
    {
        var (id, reason) = CatalogRequests.Rejection(request);
        return store.RejectAsync(WriteCall.Of(context), new(request.RequestId, request), id, reason, context.CancellationToken);
    }

    [Authorize(Policy = Rights.Certifier)]
    [WriteMethod]
    public override Task<Dataset> RetireDataset(RetireDatasetRequest request, ServerCallContext context) =>
        store.RetireAsync(WriteCall.Of(context), new(request.RequestId, request), CatalogRequests.Retirement(request), context.CancellationToken);

    [Authorize(Policy = Rights.Provider)]
    [WriteMethod]
    public override Task<DatasetRevision> CreateDatasetRevision(CreateDatasetRevisionRequest request, ServerCallContext context)
    {
        var (id, content, note) = CatalogRequests.Revision(request);
        var caller = Caller.Of(context);
        return revisions.CreateAsync(WriteCall.Of(context), new(request.RequestId, request), id, request.ExpectedVersion, content, note,
            organisation => DatasetAccess.RequireOwn(caller, organisation), context.CancellationToken);
    }

    [Authorize(Policy = Rights.Certifier)]
    [WriteMethod]
    public override Task<Dataset> CertifyDatasetRevision(CertifyDatasetRevisionRequest request, ServerCallContext context)
    {
        var (id, revision) = CatalogRequests.RevisionCertifying(request);
        return revisions.CertifyAsync(WriteCall.Of(context), new(request.RequestId, request), id, revision, context.CancellationToken);
    }

    [AllowAnonymous]
    public override Task<ListDatasetRevisionsResponse> ListDatasetRevisions(ListDatasetRevisionsRequest request, ServerCallContext context) =>
        pages.RevisionsAsync(request, Caller.Of(context), context.CancellationToken);

    /// <summary>By a certifier, or by the dataset's provider; a dataset the caller may not see is NOT_FOUND to it.</summary>
    [Authorize(Policy = Rights.Authenticated)]
    [WriteMethod]
    public override async Task<Evaluation> RecordEvaluation(RecordEvaluationRequest request, ServerCallContext context)
    {
        var evaluation = EvaluationValidation.Validate(request, time.GetUtcNow());
        var caller = Caller.Of(context);
        var dataset = DatasetAccess.Readable(caller, await queries.FindAsync(evaluation.DatasetId, context.CancellationToken), request.DatasetId);
        if (!caller.Has(Rights.Certifier))
        {
            DatasetAccess.RequireOwn(caller, dataset.Provider?.Organisation);
        }

        return await evaluations.RecordAsync(WriteCall.Of(context), new(request.RequestId, request), evaluation, context.CancellationToken);
    }

    [AllowAnonymous]
    public override Task<ListEvaluationsResponse> ListEvaluations(ListEvaluationsRequest request, ServerCallContext context) =>
        pages.EvaluationsAsync(request, context.CancellationToken);

    [Authorize(Policy = Rights.Provider)]
    [WriteMethod]
    public override async Task<DatasetLineage> SetDatasetSources(SetDatasetSourcesRequest request, ServerCallContext context)
    {
        var (id, sources) = CatalogRequests.Sources(request);
        var caller = Caller.Of(context);
        var dataset = DatasetAccess.Readable(caller, await queries.FindAsync(id, context.CancellationToken), request.Id);
        DatasetAccess.RequireOwn(caller, dataset.Provider?.Organisation);
        return await lineage.SetSourcesAsync(WriteCall.Of(context), new(request.RequestId, request), id, sources, context.CancellationToken);
    }

    [AllowAnonymous]
    public override async Task<DatasetLineage> GetDatasetLineage(GetDatasetLineageRequest request, ServerCallContext context)
    {
        var id = CatalogRequests.Id(request.Id, "id");
        DatasetAccess.Readable(Caller.Of(context), await queries.FindAsync(id, context.CancellationToken), request.Id);
        return await lineage.GetAsync(id, context.CancellationToken);
    }

    /// <summary>The catalog's audit trail; a provider sees its own calls and the events of its organisation's datasets.</summary>
    [Authorize(Policy = Rights.Authenticated)]
    public override Task<ListAuditEventsResponse> ListAuditEvents(ListAuditEventsRequest request, ServerCallContext context) =>
        audit.ListAsync(request, Caller.Of(context), context.CancellationToken);

    /// <summary>A record's history; a provider sees its own changes and those of its organisation's datasets.</summary>
    [Authorize(Policy = Rights.Authenticated)]
    public override Task<ListHistoryResponse> ListHistory(ListHistoryRequest request, ServerCallContext context) =>
        history.ListAsync(request, Caller.Of(context), context.CancellationToken);

    [AllowAnonymous]
    public override async Task<ListDatasetsResponse> ListDatasets(ListDatasetsRequest request, ServerCallContext context)
    {
        var paging = pages.Datasets(Caller.Of(context), nameof(ListDatasets), "", request.Filter, request.PageSize, request.PageToken);
        var page = await queries.SearchAsync([], paging.Filter, paging.Organisation, paging.PageSize, paging.After, withFacets: false, context.CancellationToken);
        return new ListDatasetsResponse { Datasets = { page.Datasets }, NextPageToken = pages.NextToken(paging, page), TotalSize = page.TotalSize };
    }

    [AllowAnonymous]
    public override async Task<SearchDatasetsResponse> SearchDatasets(SearchDatasetsRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.Require(request.Query.Length <= DatasetValidation.MaxQueryLength, "query", $"must be at most {DatasetValidation.MaxQueryLength} characters");
        var terms = request.Query.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
        violations.Require(terms.Count <= MaxSearchTerms, "query", $"at most {MaxSearchTerms} words");
        violations.ThrowIfAny();

        var paging = pages.Datasets(Caller.Of(context), nameof(SearchDatasets), string.Join(' ', terms), request.Filter, request.PageSize, request.PageToken);
        var page = await queries.SearchAsync(terms, paging.Filter, paging.Organisation, paging.PageSize, paging.After, withFacets: !request.SkipFacets, context.CancellationToken);
        var response = new SearchDatasetsResponse { Datasets = { page.Datasets }, NextPageToken = pages.NextToken(paging, page), TotalSize = page.TotalSize };
        if (!request.SkipFacets)
        {
            response.Facets.AddRange(CatalogFigures.Facets(page.Facets));
        }

        return response;
    }

    [AllowAnonymous]
    public override async Task<ListAnnotationBasesResponse> ListAnnotationBases(ListAnnotationBasesRequest request, ServerCallContext context) =>
        new() { AnnotationBases = { await queries.AnnotationBasesAsync(context.CancellationToken) } };

    [AllowAnonymous]
    public override async Task<CatalogStats> GetCatalogStats(GetCatalogStatsRequest request, ServerCallContext context) =>
        CatalogFigures.Stats(await queries.StatsAsync(context.CancellationToken));

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

        foreach (var dataset in (await queries.FindManyAsync(ids.Distinct().ToArray(), cancellationToken)).Values)
        {
            DatasetAccess.RequireOwn(caller, dataset.Provider?.Organisation);
        }
    }
}
