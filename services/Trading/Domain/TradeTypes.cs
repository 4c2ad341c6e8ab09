using Platform.Contracts;
using Platform.Trading.V1;

namespace Platform.Trading.Domain;

/// <summary>The lower_snake_case names trade types and product kinds have in storage and in integration events.</summary>
internal static class Names
{
    public const string Purchase = "purchase";
    public const string Subscription = "subscription";
    public const string EquityContribution = "equity_contribution";

    public static string Of(TradeType type) => type switch
    {
        TradeType.Purchase => Purchase,
        TradeType.Subscription => Subscription,
        TradeType.EquityContribution => EquityContribution,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a trade type."),
    };

    public static TradeType TradeTypeOf(string name) => name switch
    {
        Purchase => TradeType.Purchase,
        Subscription => TradeType.Subscription,
        EquityContribution => TradeType.EquityContribution,
        _ => TradeType.Unspecified,
    };

    public static string Of(ProductKind kind) => kind switch
    {
        ProductKind.HighQualityDataset => ProductKinds.HighQualityDataset,
        ProductKind.Other => ProductKinds.Other,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a product kind."),
    };

    public static ProductKind ProductKindOf(string name) => name switch
    {
        ProductKinds.HighQualityDataset => ProductKind.HighQualityDataset,
        ProductKinds.Other => ProductKind.Other,
        _ => ProductKind.Unspecified,
    };
}
