namespace Platform.AppHost.Servers;

/// <summary>
/// A server (PostgreSQL, Redis, RabbitMQ) started from the machine's own packages as a local process, since no
/// container engine is available. Its connection string points at the endpoint DCP allocates and proxies.
/// </summary>
public sealed class LocalServerResource(string name, string command, string workingDirectory, Func<EndpointReference, ReferenceExpression> connectionString)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public EndpointReference Endpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression => connectionString(Endpoint);
}
