using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Platform.Faults.Tests.Servers;

/// <summary>
/// One of the repository's launch scripts (scripts/*.sh) run as a child of the test. A shell wrapper starts it and
/// sends it SIGTERM when its standard input closes: on <see cref="StopAsync"/>, and also when the test process dies
/// without cleaning up (the pipe closes with it), so no server outlives the test run.
/// </summary>
internal sealed class ServerProcess
{
    private const string Wrapper = """
        "$@" &
        server=$!
        trap 'kill -TERM "$server" 2>/dev/null' TERM
        read -r _
        kill -TERM "$server" 2>/dev/null
        wait "$server"
        """;

    private readonly StringBuilder _log = new();
    private readonly Process _process;

    private ServerProcess(Process process) => _process = process;

    public bool HasExited => _process.HasExited;

    public static ServerProcess Start(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-c", Wrapper, "server-wrapper", Path.Combine(Repository.Root, "scripts", script) }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.Log(e.Data);
        process.ErrorDataReceived += (_, e) => server.Log(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Stops the script (SIGTERM, as its own trap expects) and waits; kills the tree if it takes too long.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                using var cancel = new CancellationTokenSource(timeout);
                await _process.WaitForExitAsync(cancel.Token);
            }
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
    }

    public string Output()
    {
        lock (_log)
        {
            return _log.ToString();
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

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static async Task<bool> PortOpenAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Runs a command to completion and returns its output; throws with the output when it fails.</summary>
    public static async Task<string> RunAsync(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not finish in time");
        }

        if (process.ExitCode != 0)
        {
            var text = await output + await error;
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{file} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {text}"));
        }

        return await output;
    }
}

/// <summary>The repository's root folder (where Platform.sln is), found from the test's output folder.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        // Set when the test assembly runs from a copy outside the repository.
        if (Environment.GetEnvironmentVariable("FAULTS_REPOSITORY") is { Length: > 0 } root)
        {
            return root;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Platform.sln not found above " + AppContext.BaseDirectory);
    }
}
