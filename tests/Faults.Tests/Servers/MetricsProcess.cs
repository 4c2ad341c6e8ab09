using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Platform.Faults.Tests.Servers;

/// <summary>
/// A metrics replica as its own process (<c>dotnet services/Metrics/bin/Release/net10.0/Metrics.dll</c>), so a test
/// can SIGKILL it: no shutdown, no ack of what it was consuming, a transaction cut off mid-way.
/// </summary>
internal sealed class MetricsProcess : IAsyncDisposable
{
    private readonly StringBuilder _log = new();
    private readonly Process _process;

    private MetricsProcess(Process process, int port)
    {
        _process = process;
        Address = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>Its gRPC endpoint (h2c).</summary>
    public Uri Address { get; }

    public static MetricsProcess Start(string database, string broker, string redis)
    {
        var dll = Path.Combine(Repository.Root, "services", "Metrics", "bin", "Release", "net10.0", "Metrics.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("Build the solution (Release) first: the metrics service runs from its build output.", dll);
        }

        var (grpc, http) = (ServerProcess.FreePort(), ServerProcess.FreePort());
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        start.Environment["ConnectionStrings__metricsdb"] = database;
        start.Environment["ConnectionStrings__rabbitmq"] = broker;
        start.Environment["ConnectionStrings__redis"] = redis;
        start.Environment["Kestrel__Endpoints__grpc__Url"] = $"http://127.0.0.1:{grpc}";
        start.Environment["Kestrel__Endpoints__grpc__Protocols"] = "Http2";
        start.Environment["Kestrel__Endpoints__http__Url"] = $"http://127.0.0.1:{http}";
        start.Environment["Kestrel__Endpoints__http__Protocols"] = "Http1";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");

        var process = new Process { StartInfo = start };
        var replica = new MetricsProcess(process, grpc);
        process.OutputDataReceived += (_, e) => replica.Log(e.Data);
        process.ErrorDataReceived += (_, e) => replica.Log(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return replica;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>SIGSTOP: the process stops where it is (its connections stay open).</summary>
    public void Freeze() => ServerProcess.RunAsync("kill", ["-STOP", _process.Id.ToString(CultureInfo.InvariantCulture)]).GetAwaiter().GetResult();

    /// <summary>SIGKILL.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public string Output()
    {
        lock (_log)
        {
            return _log.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
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
}
