using System.Net;
using System.Net.Sockets;

namespace Dashboard.Testing;

/// <summary>A loopback port nobody listens on now, so that a restarted server or database can come back on the same address.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
