using System.Globalization;

namespace Platform.Faults.Tests.Servers;

/// <summary>A redis-server of the test's own (scripts/redis.sh) on a free port, that a test can stop and start again.</summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("faults-redis-").FullName;
    private ServerProcess? _process;

    private RedisServer() => Port = ServerProcess.FreePort();

    public int Port { get; }

    public string ConnectionString(int database) => $"127.0.0.1:{Port},defaultDatabase={database}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer();
        await server.StartAgainAsync();
        return server;
    }

    public async Task StartAgainAsync()
    {
        var process = ServerProcess.Start("redis.sh", _directory, Port.ToString(CultureInfo.InvariantCulture));
        _process = process;
        await RabbitMqServer.WaitAsync(async () => process.HasExited
            ? throw new InvalidOperationException("redis.sh exited: " + process.Output())
            : await ServerProcess.PortOpenAsync(Port), TimeSpan.FromSeconds(20), "Redis listening");
    }

    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            await process.StopAsync(TimeSpan.FromSeconds(10));
            await RabbitMqServer.WaitAsync(async () => !await ServerProcess.PortOpenAsync(Port), TimeSpan.FromSeconds(10), "Redis stopped");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the system's temporary-folder cleanup.
        }
    }
}
