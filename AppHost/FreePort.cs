using System.Net;
using System.Net.Sockets;

namespace Platform.AppHost;

/// <summary>
/// Ports for endpoints that are not proxied by DCP (which then needs the port up front): a port the system
/// hands out for 127.0.0.1, free at the time of asking.
/// </summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
