using Google.Protobuf;
using Grpc.Core;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// The write path's promise, asserted for one write method: a request sent again with its request id answers the first
/// answer byte for byte, even after the resource changed in between; the same request id with a different request is
/// ALREADY_EXISTS, with the one wording that names the request id.
/// </summary>
public static class WritePromise
{
    /// <param name="call">The write method.</param>
    /// <param name="request">A request with a request id.</param>
    /// <param name="changeResource">Changes what the first call wrote (another write), before the retry.</param>
    /// <param name="changeRequest">Makes the request different (its request id kept).</param>
    /// <returns>The first answer.</returns>
    public static async Task<TResponse> HoldsAsync<TRequest, TResponse>(
        Func<TRequest, Task<TResponse>> call, TRequest request, Func<TResponse, Task>? changeResource, Action<TRequest> changeRequest)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        var first = await call(request);
        if (changeResource is not null)
        {
            await changeResource(first);
        }

        var retried = await call(request.Clone());
        Assert.Equal(first.ToByteString(), retried.ToByteString());

        var different = request.Clone();
        changeRequest(different);
        Assert.NotEqual(request.ToByteString(), different.ToByteString());
        var error = await GrpcAssert.FailsWith(StatusCode.AlreadyExists, async () => await call(different));
        Assert.Contains(RequestIdsOf(request), id => System.Text.RegularExpressions.Regex.IsMatch(error.Status.Detail, ReusedWording(id)));
        return first;
    }

    /// <summary>The one wording of a reused request id (a batch item's message starts with <c>requests[i]: </c>).</summary>
    public static string ReusedWording(string requestId) =>
        $"^(requests\\[\\d+\\]: )?Request id '{System.Text.RegularExpressions.Regex.Escape(requestId)}' was already used by client '[^']+' for a different \\w+ request; a new request needs a new request id\\.$";

    /// <summary>The request id of a single request, or those of a batch's <c>requests</c>.</summary>
    private static IEnumerable<string> RequestIdsOf(IMessage request) =>
        request.Descriptor.FindFieldByName("request_id") is { } field
            ? [(string)field.Accessor.GetValue(request)]
            : ((System.Collections.IList)request.Descriptor.FindFieldByName("requests").Accessor.GetValue(request)).OfType<IMessage>().SelectMany(RequestIdsOf);
}
