using Grpc.Core;
using Microsoft.Extensions.Options;
using Platform.Catalog.V1;
using Platform.Infrastructure.Grpc;

namespace Platform.Trading.Grpc;

internal sealed class CatalogOptions
{
    public const string Section = "Catalog";

    /// <summary>How long a listing waits for catalog's answer before it fails with UNAVAILABLE.</summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Asks catalog about a dataset, with a deadline and the caller's cancellation, and maps its answer to ours.</summary>
internal sealed class CatalogGateway(CatalogService.CatalogServiceClient catalog, IOptions<CatalogOptions> options)
{
    public async Task<Dataset> GetDatasetAsync(Guid datasetId, ServerCallContext context)
    {
        // Never wait longer than our own caller is prepared to.
        var deadline = DateTime.UtcNow.Add(options.Value.Deadline);
        if (context.Deadline < deadline)
        {
            deadline = context.Deadline;
        }

        var id = datasetId.ToString();
        try
        {
            return await catalog.GetDatasetAsync(new GetDatasetRequest { Id = id }, deadline: deadline, cancellationToken: context.CancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            throw GrpcErrors.NotFound("Dataset", id);
        }
        catch (RpcException ex) when (!context.CancellationToken.IsCancellationRequested)
        {
            // Down, too slow, or failing inside: to our caller it is a dependency that cannot answer now, and
            // the listing can be retried later (nothing was written). INTERNAL here would blame trading itself.
            throw GrpcErrors.Unavailable($"The catalog service is unavailable ({ex.StatusCode}): {ex.Status.Detail}");
        }
    }
}
