using System.Diagnostics;
using Dapper;
using Google.Protobuf.WellKnownTypes;
using Npgsql;
using Platform.Catalog.V1;
using Platform.Testing;

namespace Platform.Catalog.FunctionalTests;

/// <summary>The write path's promise for every catalog write (see <see cref="WritePromise"/>), single and batch.</summary>
[Collection(CatalogCollection.Name)]
public sealed class WritePathTests(CatalogFixture fixture)
{
    private static readonly TimeSpan NoticePeriod = TimeSpan.FromDays(3);

    private CatalogService.CatalogServiceClient Client => fixture.Client;

    private static string NewId() => Guid.NewGuid().ToString();

    [Fact]
    public Task RegisterDataset() =>
        WritePromise.HoldsAsync(
            async r => await Client.RegisterDatasetAsync(r), Datasets.ChestCt(),
            async first => await RenameAsync(first, "改名"),
            r => r.Name = "另一个数据集");

    /// <summary>
    /// Concurrent single writes are written in groups (several calls' items in one transaction): every call's event is
    /// still there once, with the trace context of its own call (each call is a trace of its own, so no two events
    /// share one).
    /// </summary>
    [Fact]
    public async Task ConcurrentWritesStoreEachEventOnceWithItsOwnTraceContext()
    {
        var datasets = await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ => await Client.RegisterDatasetAsync(Datasets.ChestCt())));

        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        var traces = new HashSet<string>();
        foreach (var dataset in datasets)
        {
            var (type, traceParent) = Assert.Single(await connection.QueryAsync<(string, string?)>(
                "select message_type, trace_parent from outbox_messages where payload->>'datasetId' = @id", new { id = dataset.Id }));
            Assert.Equal("Platform.Contracts.DatasetRegistered", type);
            Assert.NotNull(traceParent);
            Assert.True(traces.Add(ActivityContext.Parse(traceParent, null).TraceId.ToHexString()), $"{traceParent} is another call's trace");
        }
    }

    [Fact]
    public async Task UpdateDataset()
    {
        var dataset = await Client.RegisterDatasetAsync(Datasets.ChestCt());
        var update = new UpdateDatasetRequest
        {
            RequestId = NewId(),
            Dataset = new Dataset { Id = dataset.Id, Name = "更新后的名称" },
            UpdateMask = new FieldMask { Paths = { "name" } },
        };

        var first = await WritePromise.HoldsAsync(
            async r => await Client.UpdateDatasetAsync(r), update,
            async first => await RenameAsync(first, "再次更新"),
            r => r.Dataset.Name = "别的名称");

        Assert.Equal(2, first.Version);
    }

    [Fact]
    public async Task SubmitForCertification()
    {
        var dataset = await Client.RegisterDatasetAsync(Datasets.ChestCt());
        var other = await Client.RegisterDatasetAsync(Datasets.Finance());

        var first = await WritePromise.HoldsAsync(
            async r => await Client.SubmitForCertificationAsync(r), new SubmitForCertificationRequest { RequestId = NewId(), Id = dataset.Id },
            async first => await ObjectAsync(first.Id),
            r => r.Id = other.Id);

        Assert.Equal(CertificationStatus.PublicNotice, first.Status);
    }

    [Fact]
    public async Task RaiseObjection()
    {
        var dataset = await SubmittedAsync();

        var first = await WritePromise.HoldsAsync(
            async r => await Client.RaiseObjectionAsync(r), new RaiseObjectionRequest { RequestId = NewId(), Id = dataset.Id, Objector = "某研究院", Reason = "标注有误" },
            async _ => await ObjectAsync(dataset.Id),
            r => r.Reason = "另一个理由");

        Assert.Equal(2, (await Client.GetDatasetAsync(new GetDatasetRequest { Id = dataset.Id })).OpenObjectionCount);
        Assert.Equal(dataset.Id, first.DatasetId);
    }

    [Fact]
    public async Task CertifyDataset()
    {
        var dataset = await SubmittedAsync();
        var other = await SubmittedAsync();
        fixture.Time.Advance(NoticePeriod);

        var first = await WritePromise.HoldsAsync(
            async r => await Client.CertifyDatasetAsync(r), new CertifyDatasetRequest { RequestId = NewId(), Id = dataset.Id },
            async first => await Client.RetireDatasetAsync(new RetireDatasetRequest { RequestId = NewId(), Id = first.Id }),
            r => r.Id = other.Id);

        Assert.Equal(CertificationStatus.Certified, first.Status);
    }

    [Fact]
    public async Task RejectDataset()
    {
        var dataset = await SubmittedAsync();

        await WritePromise.HoldsAsync(
            async r => await Client.RejectDatasetAsync(r), new RejectDatasetRequest { RequestId = NewId(), Id = dataset.Id, Reason = "来源不明" },
            null,
            r => r.Reason = "另一个理由");
    }

    [Fact]
    public async Task RetireDataset()
    {
        var dataset = await CertifiedAsync();
        var other = await CertifiedAsync();

        await WritePromise.HoldsAsync(
            async r => await Client.RetireDatasetAsync(r), new RetireDatasetRequest { RequestId = NewId(), Id = dataset.Id },
            null,
            r => r.Id = other.Id);
    }

    [Fact]
    public async Task BatchItemsShareRequestIdsWithTheSingleMethod()
    {
        var batch = new BatchRegisterDatasetsRequest { Requests = { Datasets.ChestCt(), Datasets.Finance() } };

        var first = await WritePromise.HoldsAsync(
            async r => await Client.BatchRegisterDatasetsAsync(r), batch,
            async first => await RenameAsync(first.Datasets[1], "改名"),
            r => r.Requests[1].Name = "另一个数据集");

        // An item sent singly is the same request: the stored answer.
        Assert.Equal(first.Datasets[1], await Client.RegisterDatasetAsync(batch.Requests[1]));
        var changed = batch.Requests[0].Clone();
        changed.Name = "不同";
        await GrpcAssert.FailsWith(global::Grpc.Core.StatusCode.AlreadyExists, async () => await Client.RegisterDatasetAsync(changed));
    }

    [Fact]
    public async Task BatchSubmitAndCertify()
    {
        var a = await Client.RegisterDatasetAsync(Datasets.ChestCt());
        var b = await Client.RegisterDatasetAsync(Datasets.Finance());
        var c = await Client.RegisterDatasetAsync(Datasets.Finance());
        var submit = new BatchSubmitForCertificationRequest
        {
            Requests = { new SubmitForCertificationRequest { RequestId = NewId(), Id = a.Id }, new SubmitForCertificationRequest { RequestId = NewId(), Id = b.Id } },
        };
        await WritePromise.HoldsAsync(async r => await Client.BatchSubmitForCertificationAsync(r), submit, null, r => r.Requests[0].Id = c.Id);

        fixture.Time.Advance(NoticePeriod);
        var certify = new BatchCertifyDatasetsRequest
        {
            Requests = { new CertifyDatasetRequest { RequestId = NewId(), Id = a.Id }, new CertifyDatasetRequest { RequestId = NewId(), Id = b.Id } },
        };
        var first = await WritePromise.HoldsAsync(
            async r => await Client.BatchCertifyDatasetsAsync(r), certify,
            async _ => await Client.RetireDatasetAsync(new RetireDatasetRequest { RequestId = NewId(), Id = a.Id }),
            r => (r.Requests[0].Id, r.Requests[1].Id) = (r.Requests[1].Id, r.Requests[0].Id));
        Assert.All(first.Datasets, d => Assert.Equal(CertificationStatus.Certified, d.Status));
    }

    [Fact]
    public async Task RequestIdsAreScopedPerCallerAndMethod()
    {
        var request = Datasets.ChestCt();
        var first = await Client.RegisterDatasetAsync(request);

        // Another client with the same request id makes its own dataset; so does another method with that id.
        var other = fixture.ClientWith(TestTokens.Mint("another-admin", ["admin"]));
        var second = await other.RegisterDatasetAsync(request);
        var submitted = await Client.SubmitForCertificationAsync(new SubmitForCertificationRequest { RequestId = request.RequestId, Id = first.Id });

        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(CertificationStatus.PublicNotice, submitted.Status);
    }

    [Fact]
    public async Task CommittedWritesFeedTheDomainMeters()
    {
        using var meters = new MeterRecorder(fixture.Services);
        var a = await Client.RegisterDatasetAsync(Datasets.ChestCt());
        var b = await Client.RegisterDatasetAsync(Datasets.ChestCt());
        await Client.BatchSubmitForCertificationAsync(new BatchSubmitForCertificationRequest
        {
            Requests = { new SubmitForCertificationRequest { RequestId = NewId(), Id = a.Id }, new SubmitForCertificationRequest { RequestId = NewId(), Id = b.Id } },
        });
        await ObjectAsync(b.Id);
        fixture.Time.Advance(NoticePeriod);
        var certify = new CertifyDatasetRequest { RequestId = NewId(), Id = a.Id };
        await Client.CertifyDatasetAsync(certify);
        await Client.CertifyDatasetAsync(certify);

        (string, string) Step(string step) => ("platform.dataset.step", step);
        var healthcare = ("platform.dataset.domain", "healthcare");
        Assert.Equal((2, 2, 1), (
            meters.Sum("platform.catalog.datasets", Step("registered"), healthcare),
            meters.Sum("platform.catalog.datasets", Step("submitted"), healthcare),
            meters.Sum("platform.catalog.datasets", Step("certified"), healthcare)));
        Assert.Equal(a.VolumeBytes, meters.Sum("platform.catalog.certified_bytes", healthcare));
        Assert.Equal(1, meters.Sum("platform.catalog.objections"));
        Assert.Equal((1, 1), (
            meters.Sum("platform.catalog.writes", ("rpc.method", "CertifyDataset"), ("outcome", "OK")),
            meters.Sum("platform.catalog.writes", ("rpc.method", "CertifyDataset"), ("outcome", "REPLAYED"))));
        Assert.Equal(2, meters.Sum("platform.catalog.writes", ("rpc.method", "BatchSubmitForCertification"), ("outcome", "OK")));
    }

    private async Task<Dataset> RenameAsync(Dataset dataset, string name) =>
        await Client.UpdateDatasetAsync(new UpdateDatasetRequest
        {
            RequestId = NewId(),
            Dataset = new Dataset { Id = dataset.Id, Name = name },
            UpdateMask = new FieldMask { Paths = { "name" } },
        });

    private async Task ObjectAsync(string id) =>
        await Client.RaiseObjectionAsync(new RaiseObjectionRequest { RequestId = NewId(), Id = id, Objector = "某公司", Reason = "重复" });

    private async Task<Dataset> SubmittedAsync()
    {
        var dataset = await Client.RegisterDatasetAsync(Datasets.Finance());
        return await Client.SubmitForCertificationAsync(new SubmitForCertificationRequest { RequestId = NewId(), Id = dataset.Id });
    }

    private async Task<Dataset> CertifiedAsync()
    {
        var dataset = await SubmittedAsync();
        fixture.Time.Advance(NoticePeriod);
        return await Client.CertifyDatasetAsync(new CertifyDatasetRequest { RequestId = NewId(), Id = dataset.Id });
    }

    [Fact]
    public void TheseAndOnlyTheseMethodsAreWrites() =>
        Assert.Equal(["BatchCertifyDatasets", "BatchRegisterDatasets", "BatchSubmitForCertification", "CertifyDataset", "CertifyDatasetRevision", "CreateDatasetRevision", "PruneRetention", "RaiseObjection", "RecordEvaluation", "RegisterDataset", "RejectDataset", "RetireDataset", "SetDatasetSources", "SubmitForCertification", "UpdateDataset"], WriteMethods.Of(fixture.Services));
}
