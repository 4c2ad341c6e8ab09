using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Platform.Metrics.FunctionalTests;

/// <summary>
/// A redis-server of the test's own, on a free loopback port, that the test can stop and start again on the same
/// port. It persists like scripts/redis.sh (append-only file), so a restart brings back what was cached before.
/// </summary>
internal sealed class RedisServerProcess : IAsyncDisposable
{
    // The shell starts Redis and kills it when its standard input closes: on Stop, and also when the test process
    // dies without disposing (the pipe closes with it), so no redis-server outlives the test run.
    private const string Wrapper = """
        redis-server --bind 127.0.0.1 --port "$1" --dir "$2" --appendonly yes --save "" --daemonize no --loglevel warning &
        server=$!
        trap 'kill "$server" 2>/dev/null' TERM
        read -r _
        kill "$server" 2>/dev/null
        wait "$server"
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("metrics-redis-").FullName;
    private readonly StringBuilder _log = new();
    private Process? _process;

    private RedisServerProcess(int port) => Port = port;

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServerProcess> StartAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var server = new RedisServerProcess(port);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts redis-server on <see cref="Port"/> and waits until it answers PING.</summary>
    public async Task StartAgainAsync()
    {
        if (_process is not null)
        {
            throw new InvalidOperationException("redis-server is already running");
        }

        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-c", Wrapper, "redis-wrapper", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), _directory })
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Log(e.Data);
        process.ErrorDataReceived += (_, e) => Log(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await AnswersPingAsync())
        {
            if (DateTime.UtcNow > deadline)
            {
                await StopAsync();
                throw new InvalidOperationException($"redis-server did not answer on port {Port}; its output:\n{Output()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Stops redis-server (SIGTERM: it closes every client connection and exits) and waits until it has.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        try
        {
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        finally
        {
            process.Dispose();
        }

        if (await AnswersPingAsync())
        {
            throw new InvalidOperationException($"redis-server still answers on port {Port} after it was stopped");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private void Log(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    private string Output()
    {
        lock (_log)
        {
            return _log.ToString();
        }
    }
}
