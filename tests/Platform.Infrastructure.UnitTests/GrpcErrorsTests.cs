using Grpc.Core;
using Platform.Infrastructure.Errors;
using Platform.Infrastructure.Grpc;

namespace Platform.Infrastructure.UnitTests;

public sealed class GrpcErrorsTests
{
    [Fact]
    public void NotFoundNamesTheResourceInAResourceInfo()
    {
        var error = GrpcErrors.NotFound("Dataset", "0191a3f6-2b1c-7d4e-8f00-0123456789ab");

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("Dataset '0191a3f6-2b1c-7d4e-8f00-0123456789ab' was not found.", error.Status.Detail);
        var resource = GrpcErrors.UnknownResource(error);
        Assert.Equal(("Dataset", "0191a3f6-2b1c-7d4e-8f00-0123456789ab"), (resource!.ResourceType, resource.ResourceName));
    }

    [Fact]
    public void BatchItemNotFoundNamesTheItemAndTheResource()
    {
        var error = GrpcErrors.Of(ItemNaming.Batch.NotFound(3, "Exchange", "BJ"));

        Assert.Equal("requests[3]: Exchange 'BJ' was not found.", error.Status.Detail);
        Assert.Equal("BJ", GrpcErrors.UnknownResource(error)!.ResourceName);
    }

    [Fact]
    public void NotFoundWithoutADetailNamesNoResource()
    {
        Assert.Null(GrpcErrors.UnknownResource(new RpcException(new Status(StatusCode.NotFound, "Dataset 'x' was not found."))));
        Assert.Null(GrpcErrors.UnknownResource(GrpcErrors.Unavailable("down")));
    }

    [Theory]
    [InlineData(RefusalKind.AlreadyExists, StatusCode.AlreadyExists)]
    [InlineData(RefusalKind.FailedPrecondition, StatusCode.FailedPrecondition)]
    [InlineData(RefusalKind.Aborted, StatusCode.Aborted)]
    [InlineData(RefusalKind.ResourceExhausted, StatusCode.ResourceExhausted)]
    public void ARefusalIsAnsweredWithTheStatusOfItsKind(RefusalKind kind, StatusCode code)
    {
        var error = GrpcErrors.Of(new RefusalException(kind, "Listing 'x' is delisted."));

        Assert.Equal((code, "Listing 'x' is delisted."), (error.StatusCode, error.Status.Detail));
    }

    [Fact]
    public void ARefusedFieldIsAnInvalidArgumentWithItsViolation()
    {
        var error = GrpcErrors.Of(Refusal.InvalidField("requests[1].dismissed_objection_ids", "'o-1' is not an open objection to this dataset"));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violation = Assert.Single(error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations);
        Assert.Equal(("requests[1].dismissed_objection_ids", "'o-1' is not an open objection to this dataset"), (violation.Field, violation.Description));
    }

    [Fact]
    public void ARefusedUnknownResourceIsANotFoundNamingIt()
    {
        var error = GrpcErrors.Of(Refusal.NotFound("Trade", "t-1"));

        Assert.Equal((StatusCode.NotFound, "Trade 't-1' was not found."), (error.StatusCode, error.Status.Detail));
        Assert.Equal(("Trade", "t-1"), (GrpcErrors.UnknownResource(error)!.ResourceType, GrpcErrors.UnknownResource(error)!.ResourceName));
    }
}
