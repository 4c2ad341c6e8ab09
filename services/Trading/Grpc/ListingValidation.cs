using Platform.Infrastructure.Errors;
using Platform.Infrastructure.Grpc;
using Platform.Trading.Data;
using Platform.Trading.Domain;
using Platform.Trading.V1;

namespace Platform.Trading.Grpc;

/// <summary>The checks of a CreateListing request, shared by the single call and each item of a batch.</summary>
internal static class ListingValidation
{

    /// <summary>
    /// Checks one request's fields (named with <paramref name="prefix"/>, e.g. <c>requests[3].</c>) and returns the
    /// listing as asked; for a high-quality dataset an empty name and a zero volume are filled in from the catalog later.
    /// Null when a field it is made of is invalid; the caller throws the violations before using it.
    /// </summary>
    public static NewListing? Listing(CreateListingRequest request, DateTimeOffset now, FieldViolations violations, string prefix = "")
    {
        var exchangeCode = violations.ExchangeCode(request.ExchangeCode, prefix + "exchange_code", required: true);
        var kind = request.ProductKind == ProductKind.Unspecified && request.DatasetId.Length > 0
            ? ProductKind.HighQualityDataset
            : violations.Enum(request.ProductKind, prefix + "product_kind", allowUnspecified: false);
        var highQuality = kind == ProductKind.HighQualityDataset;
        var datasetId = highQuality
            ? violations.Uuid(request.DatasetId, prefix + "dataset_id", "dataset")
            : violations.OptionalUuid(request.DatasetId, prefix + "dataset_id", "dataset");
        var name = violations.Text(request.Name, prefix + "name", required: kind == ProductKind.Other);
        if (kind == ProductKind.Other)
        {
            violations.Quantity(request.ListedVolumeBytes, prefix + "listed_volume_bytes", Quantities.MaxVolumeBytes, "bytes");
        }
        else
        {
            // 0 takes the catalog's volume.
            violations.Quantity(request.ListedVolumeBytes, prefix + "listed_volume_bytes", Quantities.MaxVolumeBytes, "bytes", allowZero: true);
        }

        if (request.Pricing is not null)
        {
            violations.Enum(request.Pricing.Model, prefix + "pricing.model", allowUnspecified: false);
            violations.Quantity(request.Pricing.PriceFen, prefix + "pricing.price_fen", Quantities.MaxAmountFen, "fen");
        }

        violations.Require(request.DatasetRevision >= 0, prefix + "dataset_revision", "must be a revision number, or 0 for the certified revision")
            .Require(request.DatasetRevision == 0 || highQuality, prefix + "dataset_revision", "only a HIGH_QUALITY_DATASET listing names a dataset revision");
        var listedAt = BusinessTime.Resolve(request.ListedAt, now, prefix + "listed_at", violations);
        if (exchangeCode is null || kind is null || listedAt is null || (highQuality && datasetId is null))
        {
            return null;
        }

        return new NewListing(
            exchangeCode, Names.Of(kind.Value), datasetId, name, request.ListedVolumeBytes,
            request.Pricing?.Model ?? PricingModel.Unspecified, request.Pricing?.PriceFen ?? 0, listedAt.Value, request.DatasetRevision);
    }

    /// <summary>
    /// A dataset is listed at most once at a time on an exchange, so a batch naming it twice for one exchange can
    /// never succeed: the second item is refused up front rather than by the first one's row.
    /// </summary>
    public static void DistinctListings(IReadOnlyList<NewListing?> listings, FieldViolations violations)
    {
        var first = new Dictionary<(string, Guid), int>();
        for (var i = 0; i < listings.Count; i++)
        {
            if (listings[i] is { DatasetId: { } datasetId } listing && !first.TryAdd((listing.ExchangeCode, datasetId), i))
            {
                violations.Add(ItemNaming.Batch.Field(i, "dataset_id"),
                    $"lists the same dataset on the same exchange as requests[{first[(listing.ExchangeCode, datasetId)]}]");
            }
        }
    }
}
