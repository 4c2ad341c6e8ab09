using Dapper;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Npgsql;
using Platform.Audit.V1;
using Platform.Catalog.V1;
using Platform.Testing;

namespace Platform.Catalog.FunctionalTests;

/// <summary>The catalog's audit trail: an event per write and per refused write, read back by who may see it.</summary>
[Collection(CatalogCollection.Name)]
public sealed class AuditTrailTests(CatalogFixture fixture)
{
    private static string NewId() => Guid.NewGuid().ToString();

    private static RegisterDatasetRequest Of(string organisation)
    {
        var request = Datasets.ChestCt();
        request.Provider.Organisation = organisation;
        return request;
    }

    private static (string ClientId, CatalogService.CatalogServiceClient Client) Provider(CatalogFixture fixture, string organisation)
    {
        var clientId = "audit-provider-" + NewId()[..8];
        return (clientId, fixture.ClientWith(TestTokens.Mint(clientId, ["provider"], organisation: organisation)));
    }

    [Fact]
    public async Task AWriteIsOneEventWithItsCallerRequestAndResourceAndARetryAddsNone()
    {
        var organisation = "审计医院" + NewId()[..8];
        var (clientId, provider) = Provider(fixture, organisation);
        var request = Of(organisation);

        var dataset = await provider.RegisterDatasetAsync(request);
        await provider.RegisterDatasetAsync(request);

        var events = await EventsAsync(new ListAuditEventsRequest { ResourceId = dataset.Id });
        var registered = Assert.Single(events);
        Assert.Equal((clientId, organisation, "", "RegisterDataset", request.RequestId, "OK", organisation),
            (registered.ClientId, registered.Organisation, registered.Exchange, registered.Method, registered.RequestId, registered.Outcome, registered.Owner));
        Assert.Equal([dataset.Id], registered.ResourceIds);
        Assert.Equal(fixture.Time.GetUtcNow(), registered.OccurredAt.ToDateTimeOffset());
    }

    [Fact]
    public async Task EachBatchItemIsAnEventUnderTheBatchMethod()
    {
        var batch = new BatchRegisterDatasetsRequest { Requests = { Datasets.ChestCt(), Datasets.Finance() } };
        var response = await fixture.Client.BatchRegisterDatasetsAsync(batch);

        foreach (var (dataset, item) in response.Datasets.Zip(batch.Requests))
        {
            var e = Assert.Single(await EventsAsync(new ListAuditEventsRequest { ResourceId = dataset.Id }));
            Assert.Equal(("BatchRegisterDatasets", item.RequestId, "test-admin"), (e.Method, e.RequestId, e.ClientId));
        }
    }

    [Fact]
    public async Task RefusedWritesAreEventsAndChangeNothing()
    {
        var organisation = "拒绝医院" + NewId()[..8];
        var (clientId, provider) = Provider(fixture, organisation);
        var dataset = await provider.RegisterDatasetAsync(Of(organisation));

        // FAILED_PRECONDITION (certifying a draft), twice with one request id: one event.
        var certify = new CertifyDatasetRequest { RequestId = NewId(), Id = dataset.Id };
        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await fixture.Client.CertifyDatasetAsync(certify));
        await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await fixture.Client.CertifyDatasetAsync(certify));
        // PERMISSION_DENIED by the method's policy (a provider may not certify), and INVALID_ARGUMENT.
        await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await provider.CertifyDatasetAsync(new CertifyDatasetRequest { RequestId = NewId(), Id = dataset.Id }));
        var invalid = Of(organisation);
        invalid.VolumeBytes = -1;
        await GrpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await provider.RegisterDatasetAsync(invalid));
        // PERMISSION_DENIED by the resource check (another organisation's dataset), and UNAUTHENTICATED.
        var (_, stranger) = Provider(fixture, "别的机构");
        await GrpcAssert.FailsWith(StatusCode.PermissionDenied, async () =>
            await stranger.SubmitForCertificationAsync(new SubmitForCertificationRequest { RequestId = NewId(), Id = dataset.Id }));
        await GrpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await fixture.ClientWith(null).RegisterDatasetAsync(Of(organisation)));

        var onDataset = await EventsAsync(new ListAuditEventsRequest { ResourceId = dataset.Id });
        Assert.Equal(["SubmitForCertification PERMISSION_DENIED", "CertifyDataset FAILED_PRECONDITION", "RegisterDataset OK"],
            onDataset.Select(e => $"{e.Method} {e.Outcome}"));
        Assert.Contains("DRAFT", onDataset[1].Detail);
        Assert.Equal(certify.RequestId, onDataset[1].RequestId);

        var byProvider = await EventsAsync(new ListAuditEventsRequest { ClientId = clientId });
        Assert.Equal(["RegisterDataset INVALID_ARGUMENT", "CertifyDataset PERMISSION_DENIED", "RegisterDataset OK"],
            byProvider.Select(e => $"{e.Method} {e.Outcome}"));
        Assert.Equal(invalid.RequestId, byProvider[0].RequestId);

        var anonymous = await EventsAsync(new ListAuditEventsRequest { ClientId = "anonymous", Method = "RegisterDataset" });
        Assert.Contains(anonymous, e => e.Outcome == "UNAUTHENTICATED");

        var unchanged = await fixture.Client.GetDatasetAsync(new GetDatasetRequest { Id = dataset.Id });
        Assert.Equal((CertificationStatus.Draft, 1L), (unchanged.Status, unchanged.Version));
    }

    [Fact]
    public async Task AProviderSeesItsOwnCallsAndItsDatasetsEventsAndNoOneElses()
    {
        var organisation = "可见医院" + NewId()[..8];
        var (_, provider) = Provider(fixture, organisation);
        var (_, other) = Provider(fixture, "另一家" + NewId()[..8]);
        var dataset = await provider.RegisterDatasetAsync(Of(organisation));
        await fixture.Client.SubmitForCertificationAsync(new SubmitForCertificationRequest { RequestId = NewId(), Id = dataset.Id });

        var seen = await provider.ListAuditEventsAsync(new ListAuditEventsRequest { ResourceId = dataset.Id });
        var unseen = await other.ListAuditEventsAsync(new ListAuditEventsRequest { ResourceId = dataset.Id });
        var own = await provider.ListAuditEventsAsync(new ListAuditEventsRequest());

        // The administrator's submission of its dataset is the provider's to see, not the other provider's.
        Assert.Equal(["SubmitForCertification", "RegisterDataset"], seen.Events.Select(e => e.Method));
        Assert.Empty(unseen.Events);
        Assert.All(own.Events, e => Assert.Equal(organisation, e.Owner));
        await GrpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await fixture.ClientWith(null).ListAuditEventsAsync(new ListAuditEventsRequest()));
    }

    [Fact]
    public async Task EventsArePagedNewestFirstAndFilteredByTime()
    {
        var clientId = "audit-pager-" + NewId()[..8];
        var client = fixture.ClientWith(TestTokens.Mint(clientId, ["admin"]));
        var start = fixture.Time.GetUtcNow();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await client.RegisterDatasetAsync(Datasets.Finance())).Id);
            fixture.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var pages = new List<AuditEvent>();
        var request = new ListAuditEventsRequest { ClientId = clientId, PageSize = 2 };
        do
        {
            var page = await fixture.Client.ListAuditEventsAsync(request);
            Assert.True(page.Events.Count <= 2);
            pages.AddRange(page.Events);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        Assert.Equal(Enumerable.Reverse(ids), pages.Select(e => e.ResourceIds.Single()));
        var window = await fixture.Client.ListAuditEventsAsync(new ListAuditEventsRequest
        {
            ClientId = clientId,
            From = Timestamp.FromDateTimeOffset(start + TimeSpan.FromMinutes(1)),
            To = Timestamp.FromDateTimeOffset(start + TimeSpan.FromMinutes(3)),
        });
        Assert.Equal([ids[2], ids[1]], window.Events.Select(e => e.ResourceIds.Single()));
        await GrpcAssert.InvalidField("from", async () => await fixture.Client.ListAuditEventsAsync(new ListAuditEventsRequest
        {
            From = Timestamp.FromDateTimeOffset(start + TimeSpan.FromMinutes(3)),
            To = Timestamp.FromDateTimeOffset(start),
        }));
        await GrpcAssert.InvalidField("page_token", async () =>
            await fixture.Client.ListAuditEventsAsync(new ListAuditEventsRequest { ClientId = "someone-else", PageToken = request.PageToken.Length > 0 ? request.PageToken : "AAAA" }));
    }

    [Fact]
    public async Task TheTrailCannotBeUpdated()
    {
        await fixture.Client.RegisterDatasetAsync(Datasets.Finance());
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);

        var error = await Assert.ThrowsAsync<PostgresException>(async () => await connection.ExecuteAsync("update audit_events set outcome = 'OK'"));
        Assert.Contains("append-only", error.MessageText);
        await Assert.ThrowsAsync<PostgresException>(async () => await connection.ExecuteAsync("truncate audit_events"));
    }

    private async Task<IReadOnlyList<AuditEvent>> EventsAsync(ListAuditEventsRequest request) =>
        (await fixture.Client.ListAuditEventsAsync(request)).Events;
}
