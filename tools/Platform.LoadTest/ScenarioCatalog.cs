namespace Platform.LoadTest;

/// <summary>Scenarios against the domain APIs.</summary>
public static class ScenarioCatalog
{
    public static Scenario? Create(string name) => name switch
    {
        _ => null,
    };
}
