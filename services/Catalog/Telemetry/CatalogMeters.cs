using System.Diagnostics.Metrics;
using Google.Protobuf;
using Platform.Catalog.V1;
using Platform.Infrastructure.Telemetry;
using Platform.Infrastructure.Writes;

namespace Platform.Catalog.Telemetry;

/// <summary>
/// Catalog's domain instruments, counted by the write path for every committed item: datasets by lifecycle step
/// (registered, submitted, certified, rejected, retired) with their domain, the bytes certified, objections raised.
/// </summary>
internal sealed class CatalogMeters(ServiceMeter meter) : IDomainMeters
{
    private readonly Counter<long> _datasets = meter.Counter("datasets", "{dataset}",
        "Datasets by lifecycle step (platform.dataset.step: registered, submitted, certified, rejected, retired) and domain");

    private readonly Counter<long> _certifiedBytes = meter.Counter("certified_bytes", "By", "Volume of the datasets certified, by domain");

    private readonly Counter<long> _objections = meter.Counter("objections", "{objection}", "Objections raised during certification notice periods");

    public void Committed(string method, IMessage response)
    {
        switch (response)
        {
            case Dataset dataset when Step(method) is { } step:
                var domain = new KeyValuePair<string, object?>("platform.dataset.domain", ServiceMeter.Name(dataset.Domain));
                _datasets.Add(1, new KeyValuePair<string, object?>("platform.dataset.step", step), domain);
                if (step == "certified")
                {
                    _certifiedBytes.Add(dataset.VolumeBytes, domain);
                }

                break;
            case Objection:
                _objections.Add(1);
                break;
        }
    }

    private static string? Step(string method) => method switch
    {
        nameof(CatalogService.CatalogServiceBase.RegisterDataset) => "registered",
        nameof(CatalogService.CatalogServiceBase.SubmitForCertification) => "submitted",
        nameof(CatalogService.CatalogServiceBase.CertifyDataset) => "certified",
        nameof(CatalogService.CatalogServiceBase.RejectDataset) => "rejected",
        nameof(CatalogService.CatalogServiceBase.RetireDataset) => "retired",
        _ => null,
    };
}
