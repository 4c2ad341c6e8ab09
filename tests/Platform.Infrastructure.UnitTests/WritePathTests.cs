using Grpc.Core;
using Platform.Catalog.V1;
using Platform.Infrastructure.Writes;

namespace Platform.Infrastructure.UnitTests;

public sealed class WritePathTests
{
    private static RegisterDatasetRequest Request(string requestId, string name) =>
        new() { RequestId = requestId, Name = name, VolumeBytes = 1, Keywords = { "a", "b" } };

    [Fact]
    public void TheFingerprintIgnoresTheRequestIdAndNothingElse()
    {
        var first = RequestFingerprint.Of(Request("r-1", "数据集"));

        Assert.Equal(first, RequestFingerprint.Of(Request("r-2", "数据集")));
        Assert.Equal(first, RequestFingerprint.Of(Request("", "数据集")));
        Assert.NotEqual(first, RequestFingerprint.Of(Request("r-1", "数据集2")));
        var reordered = Request("r-1", "数据集");
        reordered.Keywords.Clear();
        reordered.Keywords.Add(["b", "a"]);
        Assert.NotEqual(first, RequestFingerprint.Of(reordered));
    }

    [Fact]
    public void TheFingerprintLeavesTheRequestAsItWas()
    {
        var request = Request("r-1", "数据集");

        RequestFingerprint.Of(request);

        Assert.Equal("r-1", request.RequestId);
    }

    [Theory]
    [InlineData(StatusCode.OK, "OK")]
    [InlineData(StatusCode.InvalidArgument, "INVALID_ARGUMENT")]
    [InlineData(StatusCode.FailedPrecondition, "FAILED_PRECONDITION")]
    [InlineData(StatusCode.PermissionDenied, "PERMISSION_DENIED")]
    [InlineData(StatusCode.Unauthenticated, "UNAUTHENTICATED")]
    [InlineData(StatusCode.NotFound, "NOT_FOUND")]
    [InlineData(StatusCode.AlreadyExists, "ALREADY_EXISTS")]
    public void OutcomesAreTheStatusCodeNamesClientsShow(StatusCode code, string outcome) =>
        Assert.Equal(outcome, AuditEntry.OutcomeOf(code));
}
