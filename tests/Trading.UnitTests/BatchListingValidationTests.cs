using Grpc.Core;
using Platform.Infrastructure.Errors;
using Platform.Infrastructure.Grpc;
using Platform.Trading.Grpc;
using Platform.Trading.V1;

namespace Platform.Trading.UnitTests;

public sealed class BatchListingValidationTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 30, 12, 0, 0, TimeSpan.Zero);

    private static string[] Fields(FieldViolations violations)
    {
        try
        {
            violations.ThrowIfAny();
            return [];
        }
        catch (global::Grpc.Core.RpcException ex)
        {
            return ex.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.Select(v => v.Field).ToArray();
        }
    }

    [Fact]
    public void ItemFieldsAreNamedWithTheItemsIndex()
    {
        var violations = new FieldViolations();
        var request = new CreateListingRequest
        {
            ExchangeCode = "",
            ProductKind = ProductKind.Other,
            ListedVolumeBytes = -1,
            Pricing = new PricingPlan { Model = PricingModel.OneOff, PriceFen = 0 },
        };

        Assert.Null(ListingValidation.Listing(request, Now, violations, ItemNaming.Batch.Prefix(7)));
        Assert.Equal(
            ["requests[7].exchange_code", "requests[7].name", "requests[7].listed_volume_bytes", "requests[7].pricing.price_fen"],
            Fields(violations));
    }

    [Fact]
    public void SingleCallNamesFieldsWithoutPrefix()
    {
        var violations = new FieldViolations();

        ListingValidation.Listing(new CreateListingRequest { ExchangeCode = "BJ", ProductKind = ProductKind.HighQualityDataset, DatasetId = "x" }, Now, violations);

        Assert.Equal(["dataset_id"], Fields(violations));
    }

    [Fact]
    public void DatasetIdAloneIsAHighQualityListingWithTheCatalogsNameAndVolumeToFillIn()
    {
        var violations = new FieldViolations();
        var datasetId = Guid.NewGuid();

        var listing = ListingValidation.Listing(new CreateListingRequest { ExchangeCode = "sh", DatasetId = datasetId.ToString() }, Now, violations);

        Assert.False(violations.Any);
        Assert.Equal(("SH", "high_quality_dataset", datasetId, "", 0L, Now), (listing!.ExchangeCode, listing.ProductKind, listing.DatasetId, listing.Name, listing.ListedVolumeBytes, listing.ListedAt));
    }

    [Fact]
    public void BatchMayListADatasetOnSeveralExchangesButNotTwiceOnOne()
    {
        var violations = new FieldViolations();
        var dataset = Guid.NewGuid().ToString();
        var listings = new[] { "BJ", "SH", "BJ" }
            .Select(code => ListingValidation.Listing(new CreateListingRequest { ExchangeCode = code, DatasetId = dataset }, Now, violations))
            .Append(null)
            .ToArray();

        ListingValidation.DistinctListings(listings, violations);

        Assert.Equal(["requests[2].dataset_id"], Fields(violations));
    }
}
