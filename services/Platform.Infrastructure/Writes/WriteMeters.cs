using System.Diagnostics.Metrics;
using Google.Protobuf;
using Platform.Infrastructure.Telemetry;

namespace Platform.Infrastructure.Writes;

/// <summary>
/// A service's domain instruments, fed by the write path with every committed item (a batch's items one by one), so
/// that what the dashboard counts is exactly what was written: no count for a rolled-back or replayed write.
/// </summary>
public interface IDomainMeters
{
    /// <param name="method">The single method's name (<see cref="WriteCall.Scope"/>): a batch item is counted as its single method.</param>
    /// <param name="response">The item's answer as committed.</param>
    void Committed(string method, IMessage response);
}

/// <summary>
/// What the write path counts (<c>platform.&lt;service&gt;.writes</c>): every write item by method and outcome — <c>OK</c>,
/// <c>REPLAYED</c> (answered from its stored answer) or the status of a refusal — and, for each committed item, the
/// service's <see cref="IDomainMeters"/>.
/// </summary>
public sealed class WriteMeters(ServiceMeter meter, IEnumerable<IDomainMeters> domain)
{
    public const string Replayed = "REPLAYED";

    private readonly Counter<long> _writes = meter.Counter("writes", "{write}",
        "Write items by method (rpc.method) and outcome: OK, REPLAYED (a retry answered from its stored answer) or the refusal's status");

    private readonly Histogram<double> _groupItems = meter.Histogram("write_group_items", "{item}",
        "Calls' single items written in one transaction by group commit (1 when a call writes alone in its group)", [1, 2, 4, 8, 16, 32]);

    private readonly IDomainMeters[] _domain = domain.ToArray();

    /// <summary>A group of <paramref name="items"/> calls' items committed in one transaction.</summary>
    public void GroupCommitted(int items) => _groupItems.Record(items);

    public void Committed(WriteCall call, IMessage response)
    {
        Count(call.Method, AuditEntry.OkOutcome);
        foreach (var meters in _domain)
        {
            meters.Committed(call.Scope, response);
        }
    }

    public void Count(string method, string outcome, int items = 1) =>
        _writes.Add(items, new KeyValuePair<string, object?>("rpc.method", method), new KeyValuePair<string, object?>("outcome", outcome));
}
