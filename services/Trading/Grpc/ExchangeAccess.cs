using Platform.Infrastructure.Access;

namespace Platform.Trading.Grpc;

/// <summary>
/// Trading's resource-based check, in one place: an exchange client (its token's <c>exchange</c> claim) lists, delists,
/// records and settles trades and reads trades only on its own exchange; an administrator on every exchange.
/// </summary>
internal static class ExchangeAccess
{
    public static void RequireOwn(Caller caller, string exchangeCode)
    {
        if (caller.IsAdmin || Owns(caller, exchangeCode))
        {
            return;
        }

        throw caller.Exchange is { Length: > 0 } own
            ? caller.Denied(Rights.Exchange, $"on exchange '{exchangeCode}' (its token is for '{own}')")
            : caller.Denied(Rights.Exchange, $"on exchange '{exchangeCode}' (its token names no exchange)");
    }

    /// <summary>
    /// Whether the caller may see the exchange's trades. A trade it may not see is NOT_FOUND, exactly as an unknown id,
    /// so one exchange cannot learn which trade ids exist on another.
    /// </summary>
    public static bool SeesTradesOf(Caller caller, string exchangeCode) => caller.IsAdmin || Owns(caller, exchangeCode);

    /// <summary>The exchange a trade listing must be limited to: the caller's own, unless it is an administrator.</summary>
    public static string? Scope(Caller caller, string? requested)
    {
        if (caller.IsAdmin)
        {
            return requested;
        }

        var own = caller.Exchange ?? "";
        RequireOwn(caller, requested ?? own);
        return own.ToUpperInvariant();
    }

    private static bool Owns(Caller caller, string exchangeCode) =>
        caller.Has(Rights.Exchange) && caller.Exchange is { Length: > 0 } own
        && string.Equals(own.Trim(), exchangeCode.Trim(), StringComparison.OrdinalIgnoreCase);
}
