using System.Collections.Concurrent;
using Grpc.Core;
using Platform.Catalog.V1;
using Platform.Trading.V1;

namespace Platform.Faults.Tests;

/// <summary>How big the fault runs are: small in CI, ≥ 10,000 writes with <c>FAULTS_FULL=1</c>.</summary>
public static class FaultSize
{
    public static bool Full => Environment.GetEnvironmentVariable("FAULTS_FULL") == "1";

    /// <summary>Burst rounds per run; a round is <see cref="Burst.WritesPerRound"/> acknowledged writes.</summary>
    public static int Rounds => Full ? 45 : 6;

    public static TimeSpan Scaled(TimeSpan ci, TimeSpan full) => Full ? full : ci;
}

/// <summary>
/// A burst of acknowledged writes across catalog and trading, in rounds: registrations, submissions, certifications
/// (batches), listings of datasets and of other products (a batch), trades through payment, delivery and settlement,
/// and retirements of datasets, some of them listed (trading then delists them). Every acknowledged write is
/// recorded in <see cref="Acknowledged"/>; any failed write fails the run.
/// </summary>
public sealed class Burst
{
    private const int Datasets = 50;
    private const int HighQualityListings = 25;
    private const int OtherListings = 5;
    private const int HighQualityTrades = 8;
    private const int OtherTrades = 4;
    private const int TradesInFlight = 4;

    /// <summary>Writes per round: 3 per dataset, one per listing, 4 per trade, one per retirement.</summary>
    public const int WritesPerRound = 3 * Datasets + HighQualityListings + OtherListings + 4 * (HighQualityTrades + OtherTrades) + 5;

    private readonly Mesh _mesh;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private long _writes;
    private TimeSpan _slowest;

    private readonly bool _retry;
    private long _failedAttempts;
    private long _recoveredWrites;
    private readonly ConcurrentDictionary<StatusCode, long> _failures = new();

    private Burst(Mesh mesh, IReadOnlyList<string> exchanges, bool retry)
    {
        _mesh = mesh;
        Exchanges = exchanges;
        _retry = retry;
    }

    /// <summary>Attempts that failed and were retried with the same request ids (only when created with retry).</summary>
    public long FailedAttempts => Interlocked.Read(ref _failedAttempts);

    /// <summary>Writes that failed at least once and then succeeded when retried with the same request ids.</summary>
    public long RecoveredWrites => Interlocked.Read(ref _recoveredWrites);

    /// <summary>The status codes of the failed attempts, with their counts.</summary>
    public string FailureCodes => string.Join(", ", _failures.OrderBy(f => f.Key).Select(f => $"{f.Key} {f.Value}"));

    public IReadOnlyList<string> Exchanges { get; }

    public Figures.Builder Acknowledged { get; } = new();

    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>The longest any single write took.</summary>
    public TimeSpan Slowest => _slowest;

    /// <summary>Deadline of every write of the current round (the caller's, passed to the service).</summary>
    private TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A burst on <paramref name="mesh"/>'s exchanges. With <paramref name="retry"/>, a write that fails for a transient
    /// reason (UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED) is retried, with the same request ids, until it succeeds; any other
    /// failure — UNKNOWN and INTERNAL above all, which no fault excuses — fails the burst, as does any failure without it.
    /// </summary>
    public static async Task<Burst> CreateAsync(Mesh mesh, bool retry = false)
    {
        var exchanges = new List<string>();
        foreach (var province in new[] { "Beijing", "Shanghai" })
        {
            var exchange = await mesh.Trading.CreateExchangeAsync(new CreateExchangeRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                Code = "F" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(),
                Name = $"{province} fault-test exchange",
                Province = province,
            });
            exchanges.Add(exchange.Code);
        }

        return new Burst(mesh, exchanges, retry);
    }

    /// <summary>One round of writes, each with <paramref name="deadline"/> (10 s by default).</summary>
    public async Task RoundAsync(int round, TimeSpan? deadline = null, CancellationToken cancellationToken = default)
    {
        Deadline = deadline ?? TimeSpan.FromSeconds(10);
        var prefix = $"{_run}-r{round}";
        var registered = await Write(Datasets, () => _mesh.Catalog.BatchRegisterDatasetsAsync(new BatchRegisterDatasetsRequest
        {
            Requests = { Enumerable.Range(0, Datasets).Select(i => Registration($"{prefix}-d{i}", round, i)) },
        }, deadline: DeadlineFromNow(), cancellationToken: cancellationToken).ResponseAsync);
        var ids = registered.Datasets.Select(d => d.Id).ToList();
        await Write(Datasets, () => _mesh.Catalog.BatchSubmitForCertificationAsync(new BatchSubmitForCertificationRequest
        {
            Requests = { ids.Select((id, i) => new SubmitForCertificationRequest { RequestId = $"{prefix}-s{i}", Id = id }) },
        }, deadline: DeadlineFromNow(), cancellationToken: cancellationToken).ResponseAsync);
        var certified = await Write(Datasets, () => _mesh.Catalog.BatchCertifyDatasetsAsync(new BatchCertifyDatasetsRequest
        {
            Requests = { ids.Select((id, i) => new CertifyDatasetRequest { RequestId = $"{prefix}-c{i}", Id = id }) },
        }, deadline: DeadlineFromNow(), cancellationToken: cancellationToken).ResponseAsync);
        foreach (var dataset in certified.Datasets)
        {
            Acknowledged.Certified(dataset.Id, dataset.VolumeBytes);
        }

        var listingRequests = Enumerable.Range(0, HighQualityListings).Select(i => new CreateListingRequest
        {
            RequestId = $"{prefix}-l{i}",
            ExchangeCode = Exchanges[i % Exchanges.Count],
            ProductKind = ProductKind.HighQualityDataset,
            DatasetId = ids[i],
            Pricing = new PricingPlan { Model = PricingModel.OneOff, PriceFen = 100_000_00 },
        }).Concat(Enumerable.Range(0, OtherListings).Select(i => new CreateListingRequest
        {
            RequestId = $"{prefix}-o{i}",
            ExchangeCode = Exchanges[i % Exchanges.Count],
            ProductKind = ProductKind.Other,
            Name = "企业征信API",
            ListedVolumeBytes = 1_000 + i,
            Pricing = new PricingPlan { Model = PricingModel.PerCall, PriceFen = 50 },
        }));
        var listed = await Write(HighQualityListings + OtherListings, () => _mesh.Trading.BatchCreateListingsAsync(
            new BatchCreateListingsRequest { Requests = { listingRequests } }, deadline: DeadlineFromNow(), cancellationToken: cancellationToken).ResponseAsync);
        foreach (var listing in listed.Listings)
        {
            Acknowledged.Listed(listing.Id, listing.DatasetId, listing.ProductKind == ProductKind.HighQualityDataset ? listing.ListedVolumeBytes : 0);
        }

        // Trades on the first high-quality listings and on the other products.
        var traded = listed.Listings.Take(HighQualityTrades).Concat(listed.Listings.Skip(HighQualityListings).Take(OtherTrades))
            .Select((listing, i) => (Listing: listing, Id: $"{prefix}-t{i}", Amount: 1_000_000L * (round + 1) + i * 101));
        await Parallel.ForEachAsync(traded, new ParallelOptions { MaxDegreeOfParallelism = TradesInFlight, CancellationToken = cancellationToken },
            async (t, ct) => await TradeAsync(t.Listing, t.Id, t.Amount, ct));

        // Retired: three listed but untraded datasets (trading delists them) and two that were never listed.
        foreach (var i in new[] { HighQualityListings - 3, HighQualityListings - 2, HighQualityListings - 1, Datasets - 2, Datasets - 1 })
        {
            var retired = await Write(1, () => _mesh.Catalog.RetireDatasetAsync(
                new RetireDatasetRequest { RequestId = $"{prefix}-x{i}", Id = ids[i], Reason = "fault test" },
                deadline: DeadlineFromNow(), cancellationToken: cancellationToken).ResponseAsync);
            Acknowledged.Retired(retired.Id);
        }
    }

    private async Task TradeAsync(Listing listing, string id, long amountFen, CancellationToken ct)
    {
        var trade = await Write(1, () => _mesh.Trading.PlaceTradeAsync(new PlaceTradeRequest
        {
            RequestId = id, ListingId = listing.Id, Type = TradeType.Purchase, AmountFen = amountFen, Buyer = "故障测试买方",
        }, deadline: DeadlineFromNow(), cancellationToken: ct).ResponseAsync);
        await Write(1, () => _mesh.Trading.ConfirmPaymentAsync(new ConfirmPaymentRequest { RequestId = id + "-pay", TradeId = trade.Id },
            deadline: DeadlineFromNow(), cancellationToken: ct).ResponseAsync);
        await Write(1, () => _mesh.Trading.ConfirmDeliveryAsync(new ConfirmDeliveryRequest { RequestId = id + "-deliver", TradeId = trade.Id },
            deadline: DeadlineFromNow(), cancellationToken: ct).ResponseAsync);
        var settled = await Write(1, () => _mesh.Trading.SettleTradeAsync(new SettleTradeRequest { RequestId = id + "-settle", TradeId = trade.Id },
            deadline: DeadlineFromNow(), cancellationToken: ct).ResponseAsync);
        Acknowledged.Settled(settled);
    }

    private DateTime DeadlineFromNow() => DateTime.UtcNow + Deadline;

    private async Task<T> Write<T>(int items, Func<Task<T>> call)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var failed = false;
        T result;
        while (true)
        {
            try
            {
                result = await call();
                break;
            }
            catch (RpcException ex) when (_retry && ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Aborted
                && System.Diagnostics.Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(120))
            {
                failed = true;
                Interlocked.Increment(ref _failedAttempts);
                _failures.AddOrUpdate(ex.StatusCode, 1, (_, n) => n + 1);
                await Task.Delay(250);
            }
        }

        if (failed)
        {
            Interlocked.Increment(ref _recoveredWrites);
        }

        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        lock (Acknowledged)
        {
            _slowest = elapsed > _slowest ? elapsed : _slowest;
        }

        Interlocked.Add(ref _writes, items);
        return result;
    }

    private static RegisterDatasetRequest Registration(string requestId, int round, int i) => new()
    {
        RequestId = requestId,
        Name = "故障测试医学影像数据集",
        NameEn = "Fault-test medical imaging dataset",
        DescriptionZh = "故障注入测试用数据集。",
        Domain = i % 2 == 0 ? Domain.Healthcare : Domain.Finance,
        Modality = i % 2 == 0 ? Modality.Image : Modality.Tabular,
        VolumeBytes = 1_000_000_000L + round * 1_000_003L + i * 7_919L,
        RecordCount = 1_000 + i,
        LanguageShares = { new LanguageShare { Code = "zh", BasisPoints = 10_000 } },
        Annotation = i % 3 == 0 ? new Annotation { BaseCode = "chengdu", Method = AnnotationMethod.Expert, AnnotatedFractionBp = 9_500 } : null,
        QualityGrade = QualityGrade.A,
        Licence = Licence.Commercial,
        AccessLevel = AccessLevel.Conditional,
        Provider = new Provider { Organisation = "故障测试机构", Province = "sichuan" },
        Keywords = { "故障测试" },
    };
}
