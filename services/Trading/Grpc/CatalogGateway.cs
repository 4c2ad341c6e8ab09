using Grpc.Core;
using Microsoft.Extensions.Options;
using Platform.Catalog.V1;
using Platform.Infrastructure.Grpc;

namespace Platform.Trading.Grpc;

internal sealed class CatalogOptions
{
    public const string Section = "Catalog";

    /// <summary>
    /// How long a listing waits for catalog's answer before it fails with UNAVAILABLE. Under the 5 s within which a
    /// listing must answer when catalog hangs: the call has trading's own work around the wait (measured 5.06 s at 5 s).
    /// </summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(4);
}

/// <summary>Asks catalog about datasets, with a deadline and the caller's cancellation, and maps its answer to ours.</summary>
internal sealed class CatalogGateway(CatalogService.CatalogServiceClient catalog, IOptions<CatalogOptions> options)
{
    /// <summary>The most ids catalog's BatchGetDatasets takes in one call (the limit catalog checks).</summary>
    public const int MaxIdsPerCall = BatchReads.MaxIds;

    /// <summary>
    /// The datasets <paramref name="datasetIds"/> (distinct): one GetDataset for a single id (served from catalog's
    /// cache), otherwise one BatchGetDatasets per <see cref="MaxIdsPerCall"/> ids, in parallel, under one deadline.
    /// An unknown id is <paramref name="notFound"/>(id); catalog down, slow or failing is UNAVAILABLE.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, Dataset>> GetDatasetsAsync(
        IReadOnlyList<Guid> datasetIds, Func<Guid, Exception> notFound, ServerCallContext context)
    {
        // Never wait longer than our own caller is prepared to.
        var deadline = DateTime.UtcNow.Add(options.Value.Deadline);
        if (context.Deadline < deadline)
        {
            deadline = context.Deadline;
        }

        try
        {
            if (datasetIds.Count == 1)
            {
                var dataset = await catalog.GetDatasetAsync(
                    new GetDatasetRequest { Id = datasetIds[0].ToString() }, deadline: deadline, cancellationToken: context.CancellationToken);
                return new Dictionary<Guid, Dataset> { [datasetIds[0]] = dataset };
            }

            var responses = await Task.WhenAll(datasetIds.Chunk(MaxIdsPerCall).Select(chunk =>
                catalog.BatchGetDatasetsAsync(
                    new BatchGetDatasetsRequest { Ids = { chunk.Select(id => id.ToString()) } },
                    deadline: deadline,
                    cancellationToken: context.CancellationToken).ResponseAsync));
            return datasetIds.Zip(responses.SelectMany(r => r.Datasets)).ToDictionary(p => p.First, p => p.Second);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            // BatchGetDatasets answers NOT_FOUND for the whole call, naming the (first) unknown id in a ResourceInfo.
            throw GrpcErrors.UnknownResource(ex) is { } resource && Fields.TryParseUuid(resource.ResourceName, out var unknown) && datasetIds.Contains(unknown)
                ? notFound(unknown)
                : new RpcException(new Status(StatusCode.NotFound, ex.Status.Detail));
        }
        catch (RpcException ex) when (!context.CancellationToken.IsCancellationRequested)
        {
            // Down, too slow, or failing inside: to our caller it is a dependency that cannot answer now, and
            // the listing can be retried later (nothing was written). INTERNAL here would blame trading itself.
            throw GrpcErrors.Unavailable($"The catalog service is unavailable ({ex.StatusCode}): {ex.Status.Detail}");
        }
    }
}
