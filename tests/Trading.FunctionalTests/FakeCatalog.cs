using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Platform.Catalog.V1;
using Platform.Infrastructure.Grpc;

namespace Platform.Trading.FunctionalTests;

/// <summary>How the catalog test double answers.</summary>
public enum CatalogMode
{
    Up,
    // Answers UNAVAILABLE, as a proxy in front of a stopped catalog would.
    Unavailable,
    // Cannot be connected to, as when the catalog process is not running.
    Unreachable,
    // Accepts the call and never answers, so trading's deadline expires.
    Hanging,
}

/// <summary>
/// A controllable stand-in for the catalog service, hosted in its own in-process server: it knows the datasets
/// the tests give it, answers NOT_FOUND for others, and can be made unavailable or unresponsive.
/// </summary>
public sealed class FakeCatalog : CatalogService.CatalogServiceBase, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Dataset> _datasets = new();
    private WebApplication? _app;
    private int _calls;
    private int _batchCalls;

    public CatalogMode Mode { get; set; } = CatalogMode.Up;

    /// <summary>GetDataset and BatchGetDatasets calls received, answered or not.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>BatchGetDatasets calls received, answered or not.</summary>
    public int BatchCalls => Volatile.Read(ref _batchCalls);

    public TestServer Server { get; private set; } = null!;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(this);
        _app = builder.Build();
        _app.MapGrpcService<FakeCatalog>();
        await _app.StartAsync();
        Server = _app.GetTestServer();
    }

    /// <param name="revision">The revision the dataset's content is at (its certified one when CERTIFIED).</param>
    public Dataset Add(CertificationStatus status, long volumeBytes = 1_000_000_000, string name = "测试数据集", int revision = 1)
    {
        var dataset = new Dataset
        {
            Id = Guid.NewGuid().ToString(), Name = name, VolumeBytes = volumeBytes, Status = status, Revision = revision, LatestRevision = revision,
        };
        _datasets[dataset.Id] = dataset;
        return dataset;
    }

    public override async Task<Dataset> GetDataset(GetDatasetRequest request, ServerCallContext context)
    {
        Interlocked.Increment(ref _calls);
        switch (Mode)
        {
            case CatalogMode.Unavailable:
                throw new RpcException(new Status(StatusCode.Unavailable, "catalog is down"));
        }

        return _datasets.TryGetValue(request.Id, out var dataset)
            ? dataset
            : throw GrpcErrors.NotFound("Dataset", request.Id);
    }

    /// <summary>As catalog answers: up to 100 ids, in request order, NOT_FOUND naming the first unknown id.</summary>
    public override async Task<BatchGetDatasetsResponse> BatchGetDatasets(BatchGetDatasetsRequest request, ServerCallContext context)
    {
        Interlocked.Increment(ref _calls);
        Interlocked.Increment(ref _batchCalls);
        if (Mode == CatalogMode.Unavailable)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "catalog is down"));
        }

        if (request.Ids.Count is 0 or > 100)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "ids must hold 1 to 100 ids"));
        }

        var response = new BatchGetDatasetsResponse();
        foreach (var id in request.Ids)
        {
            response.Datasets.Add(_datasets.TryGetValue(id, out var dataset)
                ? dataset
                : throw GrpcErrors.NotFound("Dataset", id));
        }

        return await Task.FromResult(response);
    }

    /// <summary>
    /// The handler trading's catalog client sends through. Unreachable and hanging are played here, in front of the
    /// in-process server: a connection that fails, or a request that never gets a response.
    /// </summary>
    public HttpMessageHandler CreateHandler() => new ModeHandler(this, Server.CreateHandler());

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private sealed class ModeHandler(FakeCatalog catalog, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            switch (catalog.Mode)
            {
                case CatalogMode.Unreachable:
                    throw new HttpRequestException("Connection refused (catalog)", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused));
                case CatalogMode.Hanging:
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                    break;
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
