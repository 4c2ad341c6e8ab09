using System.Globalization;
using Npgsql;

namespace Platform.Faults.Tests.Servers;

/// <summary>A PostgreSQL of the test's own (scripts/postgres.sh) on a free port, that a test can restart.</summary>
internal sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("faults-postgres-").FullName;
    private ServerProcess? _process;

    private PostgresServer() => Port = ServerProcess.FreePort();

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres";

    private string Data => Path.Combine(_directory, "data");

    public static async Task<PostgresServer> StartAsync()
    {
        var server = new PostgresServer();
        try
        {
            await server.StartAgainAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public async Task StartAgainAsync()
    {
        var process = ServerProcess.Start("postgres.sh", Data, Port.ToString(CultureInfo.InvariantCulture));
        _process = process;
        await RabbitMqServer.WaitAsync(async () => process.HasExited
            ? throw new InvalidOperationException("postgres.sh exited: " + process.Output())
            : await AcceptsQueriesAsync(), TimeSpan.FromSeconds(60), "PostgreSQL accepting queries");
    }

    /// <summary>Fast shutdown (SIGINT to the postmaster: sessions are ended, open transactions rolled back).</summary>
    public async Task FastShutdownAsync()
    {
        var pid = int.Parse(File.ReadLines(Path.Combine(Data, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        await ServerProcess.RunAsync("kill", ["-INT", pid.ToString(CultureInfo.InvariantCulture)]);
        // A clean shutdown ends with the postmaster removing its pid file (the process itself stays a zombie until
        // the wrapper reaps it).
        await RabbitMqServer.WaitAsync(() => Task.FromResult(!File.Exists(Path.Combine(Data, "postmaster.pid"))), TimeSpan.FromSeconds(30), "postmaster exited");
        if (_process is { } process)
        {
            _process = null;
            await process.StopAsync(TimeSpan.FromSeconds(10));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            try
            {
                await FastShutdownAsync();
            }
            catch (Exception)
            {
                await process.StopAsync(TimeSpan.FromSeconds(10));
            }
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the system's temporary-folder cleanup.
        }
    }

    private async Task<bool> AcceptsQueriesAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString + ";Timeout=2;Pooling=false");
            await connection.OpenAsync();
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException)
        {
            return false;
        }
    }
}
