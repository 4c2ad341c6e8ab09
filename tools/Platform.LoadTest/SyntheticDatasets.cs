using Platform.Catalog.V1;

namespace Platform.LoadTest;

/// <summary>The datasets load tests register: numbered, spread over the domains and modalities, of the provider "load test".</summary>
public static class SyntheticDatasets
{
    public const string Organisation = "load test";

    public static RegisterDatasetRequest Registration(string requestId, string name, long n) => new()
    {
        RequestId = requestId,
        Name = name,
        Domain = (Domain)(1 + n % 11),
        Modality = (Modality)(1 + n % 8),
        VolumeBytes = 1_000_000_000 + n,
        LanguageShares = { new LanguageShare { Code = "zh", BasisPoints = 7_000 }, new LanguageShare { Code = "en", BasisPoints = 3_000 } },
        Provider = new Provider { Organisation = Organisation, Province = "beijing" },
    };
}
