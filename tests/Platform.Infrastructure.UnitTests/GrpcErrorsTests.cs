using Grpc.Core;
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
        var error = ItemNaming.Batch.NotFound(3, "Exchange", "BJ");

        Assert.Equal("requests[3]: Exchange 'BJ' was not found.", error.Status.Detail);
        Assert.Equal("BJ", GrpcErrors.UnknownResource(error)!.ResourceName);
    }

    [Fact]
    public void NotFoundWithoutADetailNamesNoResource()
    {
        Assert.Null(GrpcErrors.UnknownResource(new RpcException(new Status(StatusCode.NotFound, "Dataset 'x' was not found."))));
        Assert.Null(GrpcErrors.UnknownResource(GrpcErrors.Unavailable("down")));
    }
}
