using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Platform.Catalog.Data;
using Platform.Catalog.V1;
using Platform.Infrastructure.Grpc;

namespace Platform.Catalog.Grpc;

internal sealed class CatalogGrpcService(DatasetRepository datasets) : CatalogService.CatalogServiceBase
{
    public override async Task<Dataset> RegisterDataset(RegisterDatasetRequest request, ServerCallContext context)
    {
        new FieldViolations()
            .Require(!string.IsNullOrWhiteSpace(request.Name), "name", "must not be empty")
            .Require(request.VolumeBytes > 0, "volume_bytes", "must be a positive number of bytes")
            .ThrowIfAny();

        var row = await datasets.RegisterAsync(
            string.IsNullOrEmpty(request.RequestId) ? null : request.RequestId,
            request.Name.Trim(),
            request.VolumeBytes,
            (short)CertificationStatus.Draft,
            context.CancellationToken);
        return ToMessage(row);
    }

    public override async Task<Dataset> GetDataset(GetDatasetRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.Id, out var id))
        {
            throw FieldViolations.Single("id", "must be a dataset id (UUID)");
        }

        var row = await datasets.FindAsync(id, context.CancellationToken) ?? throw GrpcErrors.NotFound("Dataset", request.Id);
        return ToMessage(row);
    }

    private static Dataset ToMessage(DatasetRow row) => new()
    {
        Id = row.Id.ToString(),
        Name = row.Name,
        VolumeBytes = row.VolumeBytes,
        Status = (CertificationStatus)row.Status,
        CreatedAt = Timestamp.FromDateTime(DateTime.SpecifyKind(row.CreatedAt, DateTimeKind.Utc)),
        UpdatedAt = Timestamp.FromDateTime(DateTime.SpecifyKind(row.UpdatedAt, DateTimeKind.Utc)),
    };
}
