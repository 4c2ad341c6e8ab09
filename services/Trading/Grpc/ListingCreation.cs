using Grpc.Core;
using Platform.Catalog.V1;
using Platform.Contracts;
using Platform.Infrastructure.Errors;
using Platform.Infrastructure.Grpc;
using Platform.Infrastructure.Writes;
using Platform.Trading.Data;
using Platform.Trading.V1;

namespace Platform.Trading.Grpc;

/// <summary>
/// Creating listings, singly or in a batch: stored answers first, then the exchanges and catalog's facts about the
/// datasets (asked outside any transaction), then one write of them all.
/// </summary>
internal sealed class ListingCreation(WritePath writes, ExchangeRepository exchanges, ListingRepository listings, CatalogGateway catalog)
{
    /// <summary>
    /// CreateListing for validated items, a single call being a batch of one: items whose request id was used before
    /// are answered from the write path's stored answers; the others need a known exchange and, for a high-quality
    /// dataset, catalog's word that it is CERTIFIED (asked before any transaction opens, so a slow or absent catalog
    /// holds and writes nothing); then one transaction stores them all.
    /// </summary>
    public async Task<Listing[]> CreateAsync(WriteCall call, ListingToCreate[] items, ItemNaming naming, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var responses = await writes.StoredAsync(call, items.Select(i => i.Item).ToArray(), naming, Listing.Parser, ct);
        var fresh = items.Where(i => responses[i.Index] is null).ToList();
        if (fresh.Count == 0)
        {
            return responses!;
        }

        var known = await exchanges.ExistingAsync(fresh.Select(i => i.Listing.ExchangeCode).Distinct().ToArray(), ct);
        if (fresh.FirstOrDefault(i => !known.Contains(i.Listing.ExchangeCode)) is { } unknown)
        {
            throw naming.NotFound(unknown.Index, "Exchange", unknown.Listing.ExchangeCode);
        }

        var toCreate = await WithCatalogFactsAsync(fresh, naming, context);
        var created = await listings.CreateManyAsync(call, toCreate, naming, ct);
        for (var k = 0; k < toCreate.Length; k++)
        {
            responses[toCreate[k].Index] = created[k];
        }

        return responses!;
    }

    /// <summary>
    /// Checks the high-quality items with catalog (one round trip per 100 datasets) and fills in the catalog's name
    /// and volume where the request left them empty.
    /// </summary>
    private async Task<ListingToCreate[]> WithCatalogFactsAsync(List<ListingToCreate> items, ItemNaming naming, ServerCallContext context)
    {
        var datasetIds = items
            .Where(i => i.Listing.ProductKind == ProductKinds.HighQualityDataset)
            .Select(i => i.Listing.DatasetId!.Value)
            .Distinct()
            .ToArray();
        if (datasetIds.Length == 0)
        {
            return [.. items];
        }

        var datasets = await catalog.GetDatasetsAsync(
            datasetIds, id => naming.NotFound(items.First(i => i.Listing.DatasetId == id).Index, "Dataset", id.ToString()), context);
        return items.Select(item =>
        {
            if (item.Listing.ProductKind != ProductKinds.HighQualityDataset)
            {
                return item;
            }

            var datasetId = item.Listing.DatasetId!.Value;
            var dataset = datasets[datasetId];
            if (dataset.Status != CertificationStatus.Certified)
            {
                throw naming.FailedPrecondition(item.Index,
                    $"Dataset '{datasetId}' is {dataset.Status.ToString().ToUpperInvariant()}; only CERTIFIED datasets are listed as high-quality datasets.");
            }

            var listing = item.Listing;
            if (listing.DatasetRevision != 0 && listing.DatasetRevision != dataset.Revision)
            {
                throw naming.FailedPrecondition(item.Index,
                    $"Dataset '{datasetId}' is certified at revision {dataset.Revision}; revision {listing.DatasetRevision} cannot be listed.");
            }

            var volume = listing.ListedVolumeBytes == 0 ? dataset.VolumeBytes : listing.ListedVolumeBytes;
            if (volume <= 0)
            {
                throw naming.FailedPrecondition(item.Index, $"Dataset '{datasetId}' has no volume in the catalog; give listed_volume_bytes.");
            }

            return item with
            {
                Listing = listing with { Name = listing.Name.Length == 0 ? dataset.Name : listing.Name, ListedVolumeBytes = volume, DatasetRevision = dataset.Revision },
            };
        }).ToArray();
    }
}
