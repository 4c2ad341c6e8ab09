using Google.Protobuf.WellKnownTypes;
using Platform.Catalog.V1;
using Platform.ScenarioLoader.Plan;
using Platform.Trading.V1;

namespace Platform.ScenarioLoader.Loading;

/// <summary>The plan's records as the services' requests, each with a request id made of the run's prefix and the record.</summary>
public static class PlanRequests
{
    public static CreateListingRequest Listing(string prefix, string[] datasetIds, ListingPlan l)
    {
        var request = new CreateListingRequest
        {
            RequestId = $"{prefix}-l{l.Index}",
            ExchangeCode = l.Exchange,
            Pricing = new PricingPlan { Model = PricingModel.OneOff, PriceFen = l.PriceFen },
            ListedAt = Timestamp.FromDateTimeOffset(l.ListedAt),
        };
        if (l.DatasetIndex is { } dataset)
        {
            request.ProductKind = ProductKind.HighQualityDataset;
            request.DatasetId = datasetIds[dataset];
        }
        else
        {
            request.ProductKind = ProductKind.Other;
            request.Name = l.ProductName;
            request.ListedVolumeBytes = l.VolumeBytes;
        }

        return request;
    }

    public static RegisterDatasetRequest Registration(string prefix, DatasetPlan d, bool submit = false)
    {
        var request = new RegisterDatasetRequest
        {
            RequestId = $"{prefix}-ds{d.Index}",
            Name = d.Name,
            NameEn = d.NameEn,
            DescriptionZh = d.Description,
            DescriptionEn = d.NameEn,
            Domain = System.Enum.Parse<Domain>(Pascal(d.Domain)),
            Modality = System.Enum.Parse<Modality>(Pascal(d.Modality)),
            VolumeBytes = d.VolumeBytes,
            RecordCount = d.RecordCount,
            TokenCount = d.TokenCount,
            QualityGrade = d.Index % 3 == 0 ? QualityGrade.A : QualityGrade.B,
            Licence = d.Index % 4 == 0 ? Licence.OpenGovernment : Licence.Commercial,
            AccessLevel = d.Index % 4 == 0 ? AccessLevel.Open : AccessLevel.Conditional,
            Provider = new Provider { Organisation = d.Organisation, Province = d.Province.ToLowerInvariant() },
            SubmitForCertification = submit,
        };
        request.LanguageShares.AddRange(d.LanguageShares.Select(s => new Catalog.V1.LanguageShare { Code = s.Code, BasisPoints = s.BasisPoints }));
        request.Keywords.AddRange(d.Keywords);
        if (d.AnnotationBase is { } code)
        {
            request.Annotation = new Annotation { BaseCode = code, Method = AnnotationMethod.Expert, AnnotatedFractionBp = 10_000 };
        }

        return request;
    }

    private static string Pascal(string snake) => string.Concat(snake.Split('_').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
}
