using System.Globalization;

namespace Platform.Faults.Tests.Servers;

/// <summary>
/// A RabbitMQ node of the test's own (scripts/rabbitmq.sh, as ./test.sh starts the shared one) on free ports, with
/// its own epmd, that a test can stop, kill, pause and start again on the same ports and data.
/// </summary>
internal sealed class RabbitMqServer : IAsyncDisposable
{
    private const string NodeName = "platform@localhost"; // what scripts/rabbitmq.sh names its node
    private const string Ctl = "/usr/lib/rabbitmq/bin/rabbitmqctl";

    private readonly string _directory = Directory.CreateTempSubdirectory("faults-rabbitmq-").FullName;
    private ServerProcess? _process;
    private bool _paused;

    private RabbitMqServer()
    {
        AmqpPort = ServerProcess.FreePort();
        DistributionPort = ServerProcess.FreePort();
        EpmdPort = ServerProcess.FreePort();
    }

    public int AmqpPort { get; }

    /// <summary>The node's data folder (its cookie, mnesia and enabled plugins).</summary>
    public string DataDirectory => _directory;

    public int DistributionPort { get; }

    public int EpmdPort { get; }

    /// <summary>The environment under which rabbitmqctl reaches this node (its cookie is in HOME, epmd on its port).</summary>
    public IReadOnlyDictionary<string, string> CtlEnvironment => new Dictionary<string, string>
    {
        ["HOME"] = _directory,
        ["ERL_EPMD_PORT"] = EpmdPort.ToString(CultureInfo.InvariantCulture),
    };

    public string Uri(string virtualHost) => $"amqp://guest:guest@127.0.0.1:{AmqpPort}/{System.Uri.EscapeDataString(virtualHost)}";

    public static async Task<RabbitMqServer> StartAsync()
    {
        var server = new RabbitMqServer();
        try
        {
            await server.LaunchAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public async Task AddVirtualHostAsync(string name)
    {
        await CtlAsync("add_vhost", name);
        await CtlAsync("set_permissions", "-p", name, "guest", ".*", ".*", ".*");
    }

    public Task<string> CtlAsync(params string[] arguments) =>
        ServerProcess.RunAsync(Ctl, new[] { "-q", "-n", NodeName }.Concat(arguments), CtlEnvironment, TimeSpan.FromSeconds(90));

    /// <summary>Messages ready and delivered-but-unacknowledged in the consumers' queues (error queues aside).</summary>
    public async Task<(long Ready, long Unacknowledged)> QueueDepthAsync(string virtualHost)
    {
        var rows = (await CtlAsync("list_queues", "-p", virtualHost, "--no-table-headers", "name", "messages_ready", "messages_unacknowledged"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .Where(c => c.Length == 3 && !c[0].EndsWith("_error", StringComparison.Ordinal) && !c[0].EndsWith("_skipped", StringComparison.Ordinal))
            .ToList();
        return (rows.Sum(c => long.Parse(c[1], CultureInfo.InvariantCulture)), rows.Sum(c => long.Parse(c[2], CultureInfo.InvariantCulture)));
    }

    /// <summary><c>rabbitmqctl stop_app</c>: the node stays up, the broker inside it stops (connections closed).</summary>
    public async Task StopAppAsync()
    {
        await CtlAsync("stop_app");
        await WaitAsync(async () => !await ServerProcess.PortOpenAsync(AmqpPort), TimeSpan.FromSeconds(30), "AMQP port closed after stop_app");
    }

    public async Task StartAppAsync()
    {
        await CtlAsync("start_app");
        await WaitAsync(() => ServerProcess.PortOpenAsync(AmqpPort), TimeSpan.FromSeconds(60), "AMQP port open after start_app");
    }

    /// <summary>SIGKILL of the Erlang node (beam.smp): no shutdown, no goodbye to the clients.</summary>
    public async Task KillAsync()
    {
        Signal("KILL", NodePid());
        if (_process is { } process)
        {
            _process = null;
            await process.StopAsync(TimeSpan.FromSeconds(15));
        }

        // The launch script stops its epmd when the node ends; make sure, so the restart registers afresh.
        await ServerProcess.RunAsync("epmd", ["-port", EpmdPort.ToString(CultureInfo.InvariantCulture), "-kill"], timeout: TimeSpan.FromSeconds(10))
            .ContinueWith(_ => { }, TaskScheduler.Default);
        await WaitAsync(async () => !await ServerProcess.PortOpenAsync(AmqpPort), TimeSpan.FromSeconds(10), "AMQP port closed after SIGKILL");
    }

    /// <summary>Starts the node again on the same ports and data (after <see cref="KillAsync"/>).</summary>
    public Task RestartAsync() => LaunchAsync();

    /// <summary>SIGSTOP: the node keeps its sockets open but answers nothing.</summary>
    public void Pause()
    {
        Signal("STOP", NodePid());
        _paused = true;
    }

    public void Resume()
    {
        if (_paused)
        {
            Signal("CONT", NodePid());
            _paused = false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            Resume();
        }
        catch (Exception)
        {
            // The node is gone already.
        }

        if (_process is { } process)
        {
            _process = null;
            await process.StopAsync(TimeSpan.FromSeconds(30));
        }

        try
        {
            await ServerProcess.RunAsync("epmd", ["-port", EpmdPort.ToString(CultureInfo.InvariantCulture), "-kill"], timeout: TimeSpan.FromSeconds(10));
        }
        catch (Exception)
        {
            // No epmd left on that port: nothing to stop.
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying process; the temporary folder is cleaned by the system.
        }
    }

    private async Task LaunchAsync()
    {
        var process = ServerProcess.Start("rabbitmq.sh", _directory,
            AmqpPort.ToString(CultureInfo.InvariantCulture), DistributionPort.ToString(CultureInfo.InvariantCulture), EpmdPort.ToString(CultureInfo.InvariantCulture));
        _process = process;
        try
        {
            await WaitAsync(async () => process.HasExited
                ? throw new InvalidOperationException("rabbitmq.sh exited")
                : await ServerProcess.PortOpenAsync(AmqpPort), TimeSpan.FromSeconds(120), "RabbitMQ listening");
            await CtlAsync("await_startup");
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"RabbitMQ did not start on port {AmqpPort}: {ex.Message}\n{process.Output()}", ex);
        }
    }

    private int NodePid()
    {
        var text = File.ReadAllText(Path.Combine(_directory, "rabbitmq.pid")).Trim();
        return int.Parse(text, CultureInfo.InvariantCulture);
    }

    private static void Signal(string signal, int pid) =>
        ServerProcess.RunAsync("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)], timeout: TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();

    internal static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what}: not reached in {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(100);
        }
    }
}
