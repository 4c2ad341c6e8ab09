using System.Globalization;
using Grpc.Net.Client;
using Platform.Catalog.V1;
using Platform.Metrics.V1;
using Platform.Trading.V1;

namespace Platform.LoadTest;

/// <summary>Scenarios against the domain APIs.</summary>
public static class ScenarioCatalog
{
    public static Scenario? Create(string name) => name switch
    {
        "search" => new SearchScenario(),
        "get-dataset" => new GetDatasetScenario(),
        "register" => new RegisterScenario(),
        "trade" => new TradeScenario(),
        "token-stream" => new TokenStreamScenario(),
        _ => null,
    };
}

/// <summary>SearchDatasets with facet counts: Chinese and English keywords, with and without filters.</summary>
public sealed class SearchScenario : Scenario
{
    private static readonly SearchDatasetsRequest[] Requests =
    [
        new() { Query = "医学影像", PageSize = 20 },
        new() { Query = "medical imaging", PageSize = 20 },
        new() { Query = "金融", PageSize = 20, Filter = new DatasetFilter { Statuses = { CertificationStatus.Certified } } },
        new() { Query = "traffic", PageSize = 20, Filter = new DatasetFilter { Modalities = { Modality.Text, Modality.Tabular } } },
        new() { Query = "", PageSize = 20, Filter = new DatasetFilter { Domains = { Domain.Healthcare }, MinZhShareBp = 8_000 } },
        new() { Query = "工业 质检", PageSize = 20 },
        new() { Query = "数据集", PageSize = 20, Filter = new DatasetFilter { MinVolumeBytes = 10_000_000_000_000 } },
        new() { Query = "", PageSize = 20 },
    ];

    public static SearchDatasetsRequest FirstRequest => Requests[0];

    public override string Name => "search";
    public override string Service => "catalog";

    public override async Task<long> ExecuteAsync(GrpcChannel channel, int worker, long sequence)
    {
        await new CatalogService.CatalogServiceClient(channel).SearchDatasetsAsync(Requests[sequence % Requests.Length]);
        return 1;
    }
}

public sealed class GetDatasetScenario : Scenario
{
    private string[] _ids = [];

    public override string Name => "get-dataset";
    public override string Service => "catalog";

    public override async Task SetupAsync(GrpcChannel channel, LoadOptions options)
    {
        var page = await new CatalogService.CatalogServiceClient(channel).ListDatasetsAsync(new ListDatasetsRequest { PageSize = 1_000 });
        _ids = page.Datasets.Select(d => d.Id).ToArray();
        if (_ids.Length == 0)
        {
            throw new InvalidOperationException("get-dataset needs datasets: load the scenario first (./run.sh does).");
        }
    }

    public override async Task<long> ExecuteAsync(GrpcChannel channel, int worker, long sequence)
    {
        await new CatalogService.CatalogServiceClient(channel).GetDatasetAsync(new GetDatasetRequest { Id = _ids[sequence % _ids.Length] });
        return 1;
    }
}

/// <summary>RegisterDataset with a new request id per call: every call stores a dataset.</summary>
public sealed class RegisterScenario : Scenario
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public override string Name => "register";
    public override string Service => "catalog";

    public override bool NeedsToken => true;

    public override async Task<long> ExecuteAsync(GrpcChannel channel, int worker, long sequence)
    {
        var call = NextCall();
        await new CatalogService.CatalogServiceClient(channel).RegisterDatasetAsync(
            SyntheticDatasets.Registration($"loadtest-{_run}-{call}", $"压测数据集 load test dataset {_run}-{call}", call));
        return 1;
    }
}

/// <summary>PlaceTrade with a new request id per call on an active listing (an "other product" listing is created when none exists).</summary>
public sealed class TradeScenario : Scenario
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private string[] _listings = [];

    public override string Name => "trade";
    public override string Service => "trading";

    public override bool NeedsToken => true;

    public override async Task SetupAsync(GrpcChannel channel, LoadOptions options)
    {
        var client = new TradingService.TradingServiceClient(channel);
        var page = await client.ListListingsAsync(new ListListingsRequest { Status = ListingStatus.Active, PageSize = 500 });
        _listings = page.Listings.Select(l => l.Id).ToArray();
        if (_listings.Length == 0)
        {
            var listing = await client.CreateListingAsync(new CreateListingRequest
            {
                RequestId = "loadtest-listing",
                ExchangeCode = "SH",
                ProductKind = ProductKind.Other,
                Name = "压测数据产品 load-test product",
                ListedVolumeBytes = 1_000_000_000,
            });
            _listings = [listing.Id];
        }
    }

    public override async Task<long> ExecuteAsync(GrpcChannel channel, int worker, long sequence)
    {
        await new TradingService.TradingServiceClient(channel).PlaceTradeAsync(new PlaceTradeRequest
        {
            RequestId = $"loadtest-{_run}-{NextCall()}",
            ListingId = _listings[sequence % _listings.Length],
            Type = TradeType.Purchase,
            AmountFen = 100_00 + sequence % 10_000,
            Buyer = "load test",
        });
        return 1;
    }
}

/// <summary>
/// ReportTokenUsage client streams of <see cref="LoadOptions.StreamRecords"/> records each; items are records.
/// The keys (provider "loadtest", 500 models, past days) repeat, so re-runs replace rather than grow the data.
/// </summary>
public sealed class TokenStreamScenario : Scenario
{
    private const int PerMessage = 10_000;
    private int _records;

    public override string Name => "token-stream";
    public override string Service => "metrics";

    public override bool NeedsToken => true;
    public override int? MaxConcurrency => 2;

    public override Task SetupAsync(GrpcChannel channel, LoadOptions options)
    {
        _records = options.StreamRecords;
        return Task.CompletedTask;
    }

    public override async Task<long> ExecuteAsync(GrpcChannel channel, int worker, long sequence)
    {
        var first = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-400);
        using var call = new MetricsService.MetricsServiceClient(channel).ReportTokenUsage();
        for (var sent = 0; sent < _records; sent += PerMessage)
        {
            var message = new ReportTokenUsageRequest();
            for (var i = sent; i < Math.Min(_records, sent + PerMessage); i++)
            {
                message.Usages.Add(new TokenUsage
                {
                    Provider = "loadtest",
                    Model = $"model-{(worker * 7 + i) % 500:D3}",
                    Day = first.AddDays((int)((sequence * 31 + i / 500) % 365)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    Tokens = 1_000_000 + i,
                });
            }

            await call.RequestStream.WriteAsync(message);
        }

        await call.RequestStream.CompleteAsync();
        var response = await call;
        return response.Received;
    }
}
