using System.Text;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Platform.Infrastructure.Grpc;

namespace Platform.Infrastructure.Access;

/// <summary>
/// Answers a gRPC call the authorisation middleware refuses with a gRPC status (trailers-only) naming the right the
/// method needs: UNAUTHENTICATED without a valid token, PERMISSION_DENIED with one that lacks the right. Without this a
/// client sees a bare HTTP 401/403, which it reports as a generic "Bad gRPC response". A JSON caller (gRPC JSON
/// transcoding) gets HTTP 401/403 with the same status as a <c>google.rpc.Status</c> body. A refused write is recorded
/// in the audit trail.
/// </summary>
internal sealed class GrpcAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var json = context.IsJsonRoute();
        if (authorizeResult.Succeeded || (!json && context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true))
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var right = RightOf(context);
        var caller = new Caller(context.User);
        var (status, message) = authorizeResult.Challenged || !caller.IsAuthenticated
            ? (StatusCode.Unauthenticated, context.Request.Headers.Authorization.Count > 0
                ? $"The bearer token is invalid or expired; this method needs the right '{right}'."
                : $"This method needs a bearer token with the right '{right}'.")
            : (StatusCode.PermissionDenied, $"Client '{caller.Id}' lacks the right '{right}' this method needs.");

        // A refused write is in the audit trail too.
        await Writes.RefusedWriteInterceptor.RecordAsync(context, status, message);
        var response = context.Response;
        if (json)
        {
            // As JSON transcoding answers any other status: the HTTP code and a google.rpc.Status body.
            response.StatusCode = status == StatusCode.Unauthenticated ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden;
            await response.WriteAsJsonAsync(new { code = (int)status, message, details = Array.Empty<object>() });
            return;
        }


        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(message);
    }

    private static string RightOf(HttpContext context)
    {
        var policies = context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>()
            .Select(a => a.Policy).OfType<string>().Distinct().ToList();
        return policies is { Count: > 0 } ? string.Join("', '", policies) : Rights.Authenticated;
    }
}
