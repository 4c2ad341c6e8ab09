using Google.Rpc;
using Grpc.Core;
using Platform.Catalog.Validation;
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

        Assert.Equal(valid, DatasetValidation.BatchSize(count, violations));
        Assert.Equal(valid ? [] : ["requests"], Fields(violations));
    }

    [Fact]
    public void EveryItemNeedsADistinctRequestId()
    {
        var violations = new FieldViolations();

        DatasetValidation.BatchRequestIds(["a", "", "b", "a", new string('x', 129)], violations);

        Assert.Equal(["requests[1].request_id", "requests[3].request_id", "requests[4].request_id"], Fields(violations));
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
        Assert.Equal($"requests[2] (dataset '{id}'): too early", ItemNaming.Batch.FailedPrecondition(2, id, "too early").Status.Detail);
        Assert.Equal("too early", ItemNaming.Single.FailedPrecondition(0, id, "too early").Status.Detail);
        Assert.Equal(StatusCode.NotFound, ItemNaming.Batch.NotFound(1, id).StatusCode);
        Assert.Contains("requests[1]", ItemNaming.Batch.NotFound(1, id).Status.Detail);
    }
}
