namespace Platform.AppHost;

/// <summary>Names of the app host's resources, shared with the end-to-end tests.</summary>
public static class ResourceNames
{
    public const string Postgres = "postgres";
    public const string Redis = "redis";
    public const string RabbitMq = "rabbitmq";

    public const string Identity = "identity";
    public const string Catalog = "catalog";
    public const string Trading = "trading";
    public const string Metrics = "metrics";
    public const string ScenarioLoader = "scenario-loader";

    /// <summary>Connection-string names of the service databases (one PostgreSQL server, a database each).</summary>
    public const string CatalogDb = "catalogdb";
    public const string TradingDb = "tradingdb";
    public const string MetricsDb = "metricsdb";

    /// <summary>Each service's endpoints: HTTP/2 for gRPC, HTTP/1.1 for health probes.</summary>
    public const string GrpcEndpoint = "grpc";
    public const string HttpEndpoint = "http";

    /// <summary>Fixed local gRPC ports in development.</summary>
    public const int CatalogGrpcPort = 5011;
    /// <summary>The token service's fixed local port (HTTP/1.1: token endpoint, discovery document, JWKS, health).</summary>
    public const int IdentityPort = 5041;
    public const int TradingGrpcPort = 5021;
    public const int MetricsGrpcPort = 5031;

    /// <summary>Fixed local HTTP/1.1 ports in development (health, JSON): the gRPC port + 1.</summary>
    public const int CatalogHttpPort = 5012;
    public const int TradingHttpPort = 5022;
    public const int MetricsHttpPort = 5032;
}
