using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Platform.Catalog.V1;
using Platform.History.V1;
using Platform.Testing;

namespace Platform.Catalog.FunctionalTests;

/// <summary>A dataset's history: every change with its caller, method, request id and the fields from what to what.</summary>
[Collection(CatalogCollection.Name)]
public sealed class HistoryTests(CatalogFixture fixture)
{
    private CatalogService.CatalogServiceClient Client => fixture.Client;

    [Fact]
    public async Task EveryChangeOfADatasetIsAnEntryWithItsFieldsFromWhatToWhat()
    {
        var registration = Datasets.ChestCt();
        var dataset = await Client.RegisterDatasetAsync(registration);
        var update = new UpdateDatasetRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Dataset = new Dataset { Id = dataset.Id, Name = "胸部CT影像（第二版）", Edition = "2025.07" },
            UpdateMask = new FieldMask { Paths = { "name", "edition" } },
        };
        await Client.UpdateDatasetAsync(update);
        // A retry of the update is answered from its stored answer: no second entry.
        await Client.UpdateDatasetAsync(update);
        var revision = new CreateDatasetRevisionRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            DatasetId = dataset.Id,
            VolumeBytes = 6_000_000_000,
            RecordCount = registration.RecordCount,
            LanguageShares = { registration.LanguageShares },
            Note = "2,000 more scans",
        };
        await Client.CreateDatasetRevisionAsync(revision);
        await Client.SubmitForCertificationAsync(new SubmitForCertificationRequest { RequestId = Guid.NewGuid().ToString(), Id = dataset.Id });

        var page = await Client.ListHistoryAsync(new ListHistoryRequest { RecordId = dataset.Id, PageSize = 2 });
        var rest = await Client.ListHistoryAsync(new ListHistoryRequest { RecordId = dataset.Id, PageToken = page.NextPageToken });
        var entries = page.Entries.Concat(rest.Entries).ToList();

        Assert.Equal(["RegisterDataset", "UpdateDataset", "CreateDatasetRevision", "SubmitForCertification"], entries.Select(e => e.Method));
        Assert.All(entries, e => Assert.Equal("test-admin", e.ClientId));
        Assert.Equal(registration.RequestId, entries[0].RequestId);
        Assert.Contains(entries[0].Changes, c => c.Field == "name" && c.From == "" && c.To == "\"胸部CT医学影像数据集\"");
        var updated = entries[1].Changes.ToDictionary(c => c.Field);
        Assert.Equal(["edition", "name"], updated.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(update.RequestId, entries[1].RequestId);
        var revised = entries[2].Changes.ToDictionary(c => c.Field);
        Assert.Equal(["latest_revision", "revision", "volume_bytes"], revised.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("\"5000000000\"", "\"6000000000\""), (revised["volume_bytes"].From, revised["volume_bytes"].To));
        Assert.Equal(("1", "2"), (revised["revision"].From, revised["revision"].To));
        Assert.Equal(revision.RequestId, entries[2].RequestId);
        Assert.Contains(entries[3].Changes, c => c.Field == "status" && c.From == "\"CERTIFICATION_STATUS_DRAFT\"" && c.To == "\"CERTIFICATION_STATUS_PUBLIC_NOTICE\"");
    }

    [Fact]
    public async Task AProviderSeesItsOwnDatasetsHistoryAndNoOneElses()
    {
        var dataset = await Client.RegisterDatasetAsync(Datasets.ChestCt());
        var owner = fixture.ClientWith(TestTokens.Mint("history-owner", ["provider"], organisation: "四川大学华西医院"));
        var other = fixture.ClientWith(TestTokens.Mint("history-other", ["provider"], organisation: "另一家医院"));

        Assert.Single((await owner.ListHistoryAsync(new ListHistoryRequest { RecordId = dataset.Id })).Entries);
        Assert.Empty((await other.ListHistoryAsync(new ListHistoryRequest { RecordId = dataset.Id })).Entries);
        await GrpcAssert.FailsWith(StatusCode.Unauthenticated, async () => await fixture.ClientWith(null).ListHistoryAsync(new ListHistoryRequest { RecordId = dataset.Id }));
        await GrpcAssert.InvalidField("record_id", async () => await Client.ListHistoryAsync(new ListHistoryRequest()));
    }
}
