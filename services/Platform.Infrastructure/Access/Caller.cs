using System.Security.Claims;
using Grpc.Core;

namespace Platform.Infrastructure.Access;

/// <summary>Who is calling, from the validated token: the basis of the services' resource-based (tenant) checks.</summary>
public sealed class Caller(ClaimsPrincipal user)
{
    public static Caller Of(ServerCallContext context) => new(context.GetHttpContext().User);

    public bool IsAuthenticated => user.Identity?.IsAuthenticated == true;

    public string Id => user.FindFirst(Rights.Claims.Subject)?.Value ?? "anonymous";

    public bool IsAdmin => IsAuthenticated && user.IsInRole(Rights.Admin);

    /// <summary>Holds <paramref name="right"/> itself or is an administrator.</summary>
    public bool Has(string right) => IsAuthenticated && (user.IsInRole(right) || user.IsInRole(Rights.Admin));

    public string? Organisation => user.FindFirst(Rights.Claims.Organisation)?.Value;

    public string? Exchange => user.FindFirst(Rights.Claims.Exchange)?.Value;

    /// <summary>UNAUTHENTICATED for an anonymous caller, otherwise PERMISSION_DENIED, naming the right and what it covers.</summary>
    public RpcException Denied(string right, string scope) => IsAuthenticated
        ? new RpcException(new Status(StatusCode.PermissionDenied, $"Client '{Id}' lacks the right '{right}' {scope}."))
        : new RpcException(new Status(StatusCode.Unauthenticated, $"A bearer token with the right '{right}' is required {scope}."));
}
