using Platform.Catalog.Data;
using Platform.Catalog.V1;
using Platform.Catalog.Validation;
using Platform.Infrastructure.Access;
using Platform.Infrastructure.Grpc;

namespace Platform.Catalog.Grpc;

/// <summary>
/// The catalog's paged lists: each request's page size and page token checked against its query (the platform's one
/// paging rule, <see cref="PageTokens"/>), the page read, and the next page's token made from its last key.
/// </summary>
internal sealed class CatalogPages(DatasetQueries queries, EvaluationQueries evaluations, RevisionStore revisions, PageTokens pageTokens)
{
    /// <summary>What a dataset list or search reads: the filter as the caller may read it, and where the page starts.</summary>
    public sealed record DatasetPaging(DatasetFilter Filter, string? Organisation, int PageSize, Guid? After, PageQuery Query);

    public DatasetPaging Datasets(Caller caller, string method, string query, DatasetFilter? filter, int requestedPageSize, string pageToken)
    {
        var violations = new FieldViolations();
        filter = filter?.Clone() ?? new DatasetFilter();
        var organisation = DatasetAccess.LimitToReadable(caller, filter);
        DatasetValidation.Filter(filter, violations);
        var pageSize = PageSize.Of(requestedPageSize, violations);
        var pageQuery = PageQuery.Of(method, query, filter, organisation);
        var after = pageTokens.Decode(pageToken, pageQuery, violations);
        violations.ThrowIfAny();
        return new(filter, organisation, pageSize, after?.Id, pageQuery);
    }

    public string NextToken(DatasetPaging paging, SearchPage page) => page.LastId is { } last ? pageTokens.Encode(paging.Query, new PageKey(last)) : "";

    public async Task<ListEvaluationsResponse> EvaluationsAsync(ListEvaluationsRequest request, CancellationToken cancellationToken)
    {
        var violations = new FieldViolations();
        var datasetId = violations.OptionalUuid(request.DatasetId, "dataset_id", "dataset");
        var model = request.Model.Trim();
        violations.Require(request.DatasetId.Length > 0 ^ model.Length > 0, request.DatasetId.Length > 0 ? "model" : "dataset_id",
                "exactly one of dataset_id and model is required")
            .Require(model.Length <= DatasetValidation.MaxNameLength, "model", $"must be at most {DatasetValidation.MaxNameLength} characters");
        var pageSize = PageSize.Of(request.PageSize, violations);
        var pageQuery = PageQuery.Of(nameof(CatalogService.CatalogServiceBase.ListEvaluations), datasetId?.ToString(), model);
        var after = pageTokens.Decode(request.PageToken, pageQuery, violations);
        violations.ThrowIfAny();

        var page = await evaluations.ListAsync(datasetId, model.Length > 0 ? model : null, pageSize + 1, after?.Ticks, cancellationToken);
        var response = new ListEvaluationsResponse { Evaluations = { page.Take(pageSize).Select(p => p.Evaluation) } };
        if (page.Count > pageSize)
        {
            // The key is the last evaluation's place in the order of recording.
            response.NextPageToken = pageTokens.Encode(pageQuery, new PageKey(page[pageSize - 1].Seq, Guid.Parse(page[pageSize - 1].Evaluation.Id)));
        }

        return response;
    }

    /// <summary>A dataset's revisions, newest first; the dataset must be readable by <paramref name="caller"/>.</summary>
    public async Task<ListDatasetRevisionsResponse> RevisionsAsync(ListDatasetRevisionsRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var violations = new FieldViolations();
        var id = DatasetValidation.Id(request.DatasetId, "dataset_id", violations);
        var pageSize = PageSize.Of(request.PageSize, violations);
        var pageQuery = PageQuery.Of(nameof(CatalogService.CatalogServiceBase.ListDatasetRevisions), id.ToString());
        var after = pageTokens.Decode(request.PageToken, pageQuery, violations);
        violations.ThrowIfAny();
        DatasetAccess.Readable(caller, await queries.FindAsync(id, cancellationToken), request.DatasetId);

        var page = await revisions.ListAsync(id, (int?)after?.Ticks, pageSize + 1, cancellationToken);
        var response = new ListDatasetRevisionsResponse { Revisions = { page.Take(pageSize) } };
        if (page.Count > pageSize)
        {
            response.NextPageToken = pageTokens.Encode(pageQuery, new PageKey(page[pageSize - 1].Revision, id));
        }

        return response;
    }
}
