using Google.Rpc;
using Grpc.Core;
using Xunit;

namespace Platform.Testing;

public static class GrpcAssert
{
    /// <summary>Asserts the call fails with <paramref name="code"/> and returns the exception.</summary>
    public static async Task<RpcException> FailsWith(StatusCode code, Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(code == ex.StatusCode, $"Expected {code}, got {ex.StatusCode}: {ex.Status.Detail}");
        return ex;
    }

    /// <summary>Asserts INVALID_ARGUMENT with a <c>google.rpc.BadRequest</c> naming <paramref name="field"/>.</summary>
    public static async Task<BadRequest> InvalidField(string field, Func<Task> call)
    {
        var ex = await FailsWith(StatusCode.InvalidArgument, call);
        var badRequest = ex.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        Assert.Contains(badRequest.FieldViolations, v => v.Field == field);
        return badRequest;
    }

    /// <summary>The fields an INVALID_ARGUMENT's <c>google.rpc.BadRequest</c> names, in its order.</summary>
    public static IReadOnlyList<string> ViolatedFields(RpcException error) =>
        error.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.Select(v => v.Field).ToArray() ?? [];
}
