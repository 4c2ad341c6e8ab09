using Google.Rpc;
using Grpc.Core;
using Platform.Catalog.Validation;
using Platform.Infrastructure.Errors;
using Platform.Infrastructure.Grpc;

namespace Platform.Catalog.UnitTests;

public sealed class BatchValidationTests
{
    private static IReadOnlyList<string> Fields(FieldViolations violations) =>
        violations.Any ? violations.ToException().GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToList() : [];

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(500, true)]
    [InlineData(501, false)]
    public void BatchHoldsOneTo500Items(int count, bool valid)
    {
        var violations = new FieldViolations();

        Assert.Equal(valid, BatchWrites.Size(count, violations));
        Assert.Equal(valid ? [] : ["requests"], Fields(violations));
    }

    [Fact]
    public void ADatasetAppearsAtMostOncePerBatch()
    {
        var id = Guid.NewGuid();
        var violations = new FieldViolations();

        DatasetValidation.DistinctDatasetIds([id, Guid.NewGuid(), Guid.Empty, Guid.Empty, id], violations);

        Assert.Equal(["requests[4].id"], Fields(violations));
    }

    [Fact]
    public void BatchNamesTheItemWhileASingleCallNamesTheFieldAsItIs()
    {
        var id = Guid.NewGuid();

        Assert.Equal("requests[3].volume_bytes", ItemNaming.Batch.Field(3, "volume_bytes"));
        Assert.Equal("volume_bytes", ItemNaming.Single.Field(0, "volume_bytes"));
        Assert.Equal($"requests[2] (dataset '{id}'): too early", GrpcErrors.Of(ItemNaming.Batch.FailedPrecondition(2, "too early", $"dataset '{id}'")).Status.Detail);
        Assert.Equal("too early", GrpcErrors.Of(ItemNaming.Single.FailedPrecondition(0, "too early", $"dataset '{id}'")).Status.Detail);
        Assert.Equal(StatusCode.NotFound, GrpcErrors.Of(ItemNaming.Batch.NotFound(1, "Dataset", id.ToString())).StatusCode);
        Assert.Equal($"requests[1]: Dataset '{id}' was not found.", GrpcErrors.Of(ItemNaming.Batch.NotFound(1, "Dataset", id.ToString())).Status.Detail);
        Assert.Equal("requests[2]: retired", GrpcErrors.Of(ItemNaming.Batch.FailedPrecondition(2, "retired")).Status.Detail);
        Assert.Equal(StatusCode.AlreadyExists, GrpcErrors.Of(ItemNaming.Batch.AlreadyExists(0, "listed")).StatusCode);
    }
}
