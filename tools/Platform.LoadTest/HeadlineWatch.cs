using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Platform.Metrics.V1;

namespace Platform.LoadTest;

/// <summary>H1 as WatchHeadlineIndicators reports it, fed into a <see cref="CountTracker"/> (the freshness scenario's clock).</summary>
public static class HeadlineWatch
{
    /// <summary>Follows the headline; a stream that ends or fails is opened again (and its status counted).</summary>
    public static async Task FollowAsync(MetricsService.MetricsServiceClient client, CountTracker tracker, ConcurrentDictionary<string, long> statuses, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            string status;
            try
            {
                using var call = client.WatchHeadlineIndicators(new WatchHeadlineIndicatorsRequest(), cancellationToken: stop);
                await foreach (var snapshot in call.ResponseStream.ReadAllAsync(stop))
                {
                    tracker.Observe(snapshot.H1CertifiedDatasets.Value, Stopwatch.GetTimestamp());
                }

                status = "WATCH_ENDED";
            }
            catch (Exception ex) when (stop.IsCancellationRequested && ex is OperationCanceledException or RpcException)
            {
                return;
            }
            catch (RpcException ex)
            {
                status = "WATCH_" + ex.StatusCode.ToString().ToUpperInvariant();
            }

            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            await Task.Delay(100, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
