using System.Diagnostics;

namespace Platform.ScenarioLoader.Loading;

/// <summary>Prints a phase's progress once a second (count, rate) and its total when it ends.</summary>
public sealed class Progress : IAsyncDisposable
{
    private readonly string _phase;
    private readonly long _total;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _printer;
    private long _done;

    public Progress(string phase, long total)
    {
        _phase = phase;
        _total = total;
        _printer = PrintAsync();
    }

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Add(long count = 1) => Interlocked.Add(ref _done, count);

    private async Task PrintAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Print(final: false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Print(bool final)
    {
        var done = Interlocked.Read(ref _done);
        var seconds = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
        Console.WriteLine(final
            ? $"  {_phase,-28} {done,9:N0} in {seconds,6:0.0}s ({done / seconds,8:N0}/s)"
            : $"  {_phase,-28} {done,9:N0} / {_total:N0} ({done * 100.0 / Math.Max(_total, 1):0}%, {done / seconds:N0}/s)");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _printer;
        Print(final: true);
        _stop.Dispose();
    }
}
