using Dapper;
using Grpc.Core;
using Npgsql;
using Platform.Catalog.V1;
using Platform.Testing;

namespace Platform.Catalog.FunctionalTests;

[Collection(CatalogCollection.Name)]
public sealed class BatchWriteTests(CatalogFixture fixture)
{
    private static readonly TimeSpan NoticePeriod = TimeSpan.FromDays(3);

    private CatalogService.CatalogServiceClient Client => fixture.Client;

    [Fact]
    public async Task BatchRegistrationRegistersEveryItemInRequestOrderWithOneEventEach()
    {
        var marker = Marker();
        var requests = new[] { Datasets.ChestCt(marker), Datasets.Finance(marker), Datasets.ChestCt(marker) };
        requests[2].Name = "第三个数据集";

        var response = await Client.BatchRegisterDatasetsAsync(new BatchRegisterDatasetsRequest { Requests = { requests } });

        Assert.Equal(["胸部CT医学影像数据集", "上市公司财务报表数据集", "第三个数据集"], response.Datasets.Select(d => d.Name));
        Assert.All(response.Datasets, d => Assert.Equal(CertificationStatus.Draft, d.Status));
        Assert.Equal(response.Datasets.Select(d => Guid.Parse(d.Id)).Order(), response.Datasets.Select(d => Guid.Parse(d.Id)));
        foreach (var dataset in response.Datasets)
        {
            Assert.Equal(dataset, await Client.GetDatasetAsync(new GetDatasetRequest { Id = dataset.Id }));
            var (type, payload) = Assert.Single(await fixture.OutboxEventsAsync(dataset.Id));
            Assert.Equal("Platform.Contracts.DatasetRegistered", type);
            Assert.Contains($"\"name\": \"{dataset.Name}\"", payload);
        }

        Assert.Equal(3, await CountWithMarkerAsync(marker));
    }

    [Fact]
    public async Task BatchWithOneInvalidItemIsInvalidNamingTheItemAndStoresNothing()
    {
        var marker = Marker();
        var requests = new[] { Datasets.ChestCt(marker), Datasets.Finance(marker), Datasets.ChestCt(marker) };
        requests[1].VolumeBytes = -1;

        await GrpcAssert.InvalidField("requests[1].volume_bytes", async () =>
            await Client.BatchRegisterDatasetsAsync(new BatchRegisterDatasetsRequest { Requests = { requests } }));

        Assert.Equal(0, await CountWithMarkerAsync(marker));
        Assert.Equal(0, await StoredRequestIdsAsync(requests.Select(r => r.RequestId)));
    }

    [Fact]
    public async Task BatchFailingInTheDatabaseStoresNothing()
    {
        var registered = await Client.RegisterDatasetAsync(Datasets.ChestCt());
        var requests = new[]
        {
            new SubmitForCertificationRequest { RequestId = Guid.NewGuid().ToString(), Id = registered.Id },
            new SubmitForCertificationRequest { RequestId = Guid.NewGuid().ToString(), Id = Guid.NewGuid().ToString() },
        };

        var ex = await GrpcAssert.FailsWith(StatusCode.NotFound, async () =>
            await Client.BatchSubmitForCertificationAsync(new BatchSubmitForCertificationRequest { Requests = { requests } }));

        Assert.Contains("requests[1]", ex.Status.Detail);
        Assert.Equal(CertificationStatus.Draft, (await Client.GetDatasetAsync(new GetDatasetRequest { Id = registered.Id })).Status);
        Assert.Equal(0, await StoredRequestIdsAsync(requests.Select(r => r.RequestId)));
    }

    [Fact]
    public async Task RetriedBatchReturnsTheSameDatasetsAndStoresNothingTwice()
    {
        var marker = Marker();
        var request = new BatchRegisterDatasetsRequest { Requests = { Datasets.ChestCt(marker), Datasets.Finance(marker) } };

        var first = await Client.BatchRegisterDatasetsAsync(request);
        var second = await Client.BatchRegisterDatasetsAsync(request);

        Assert.Equal(first, second);
        Assert.Equal(2, await CountWithMarkerAsync(marker));
        foreach (var dataset in first.Datasets)
        {
            Assert.Single(await fixture.OutboxEventsAsync(dataset.Id));
        }
    }

    [Fact]
    public async Task BatchOverlappingEarlierSingleCallsReturnsTheirStoredResults()
    {
        var marker = Marker();
        var earlier = Datasets.ChestCt(marker);
        var single = await Client.RegisterDatasetAsync(earlier);

        var batch = await Client.BatchRegisterDatasetsAsync(new BatchRegisterDatasetsRequest { Requests = { Datasets.Finance(marker), earlier } });

        Assert.Equal(single, batch.Datasets[1]);
        Assert.NotEqual(single.Id, batch.Datasets[0].Id);
        Assert.Equal(2, await CountWithMarkerAsync(marker));
        Assert.Single(await fixture.OutboxEventsAsync(single.Id));
    }

    [Fact]
    public async Task SingleRetryOfABatchItemReturnsTheBatchResult()
    {
        var marker = Marker();
        var item = Datasets.ChestCt(marker);
        var batch = await Client.BatchRegisterDatasetsAsync(new BatchRegisterDatasetsRequest { Requests = { item, Datasets.Finance(marker) } });

        var single = await Client.RegisterDatasetAsync(item);

        Assert.Equal(batch.Datasets[0], single);
        Assert.Equal(2, await CountWithMarkerAsync(marker));
    }

    [Fact]
    public async Task DuplicateRequestIdsInABatchAreInvalid()
    {
        var first = Datasets.ChestCt();
        var second = Datasets.Finance();
        second.RequestId = first.RequestId;

        await GrpcAssert.InvalidField("requests[1].request_id", async () =>
            await Client.BatchRegisterDatasetsAsync(new BatchRegisterDatasetsRequest { Requests = { first, second } }));
        Assert.Equal(0, await StoredRequestIdsAsync([first.RequestId]));
    }

    [Fact]
    public async Task BatchItemWithoutRequestIdIsInvalid()
    {
        var item = Datasets.ChestCt();
        item.RequestId = "";

        await GrpcAssert.InvalidField("requests[1].request_id", async () =>
            await Client.BatchRegisterDatasetsAsync(new BatchRegisterDatasetsRequest { Requests = { Datasets.Finance(), item } }));
    }

    [Fact]
    public async Task BatchOfMoreThan500ItemsOrNoneIsInvalid()
    {
        var tooMany = new BatchRegisterDatasetsRequest { Requests = { Enumerable.Range(0, 501).Select(_ => Datasets.Finance()) } };

        await GrpcAssert.InvalidField("requests", async () => await Client.BatchRegisterDatasetsAsync(tooMany));
        await GrpcAssert.InvalidField("requests", async () => await Client.BatchRegisterDatasetsAsync(new BatchRegisterDatasetsRequest()));
        await GrpcAssert.InvalidField("requests", async () =>
            await Client.BatchSubmitForCertificationAsync(new BatchSubmitForCertificationRequest()));
        await GrpcAssert.InvalidField("requests", async () => await Client.BatchCertifyDatasetsAsync(new BatchCertifyDatasetsRequest()));
    }

    [Fact]
    public async Task BatchOf500ItemsIsAccepted()
    {
        var marker = Marker();
        var request = new BatchRegisterDatasetsRequest { Requests = { Enumerable.Range(0, 500).Select(_ => Datasets.Finance(marker)) } };

        var response = await Client.BatchRegisterDatasetsAsync(request);

        Assert.Equal(500, response.Datasets.Select(d => d.Id).Distinct().Count());
        Assert.Equal(500, await CountWithMarkerAsync(marker));
    }

    [Fact]
    public async Task RequestIdUsedForADifferentSubmissionIsAlreadyExistsInABatchNamingTheItem()
    {
        var submitted = (await Client.RegisterDatasetAsync(Datasets.ChestCt())).Id;
        var requestId = Guid.NewGuid().ToString();
        await Client.SubmitForCertificationAsync(new SubmitForCertificationRequest { RequestId = requestId, Id = submitted });
        var (other, third) = ((await Client.RegisterDatasetAsync(Datasets.Finance())).Id, (await Client.RegisterDatasetAsync(Datasets.Finance())).Id);

        var error = await GrpcAssert.FailsWith(StatusCode.AlreadyExists, async () =>
            await Client.BatchSubmitForCertificationAsync(new BatchSubmitForCertificationRequest
            {
                Requests =
                {
                    new SubmitForCertificationRequest { RequestId = Guid.NewGuid().ToString(), Id = other },
                    new SubmitForCertificationRequest { RequestId = requestId, Id = third },
                },
            }));
        Assert.Matches(WritePromise.ReusedWording(requestId), error.Status.Detail);
        Assert.StartsWith("requests[1]: ", error.Status.Detail);
        Assert.Equal(CertificationStatus.Draft, (await Client.GetDatasetAsync(new GetDatasetRequest { Id = other })).Status);
    }

    [Fact]
    public async Task SameDatasetTwiceInABatchIsInvalid()
    {
        var registered = await Client.RegisterDatasetAsync(Datasets.ChestCt());

        await GrpcAssert.InvalidField("requests[1].id", async () =>
            await Client.BatchSubmitForCertificationAsync(new BatchSubmitForCertificationRequest
            {
                Requests =
                {
                    new SubmitForCertificationRequest { RequestId = Guid.NewGuid().ToString(), Id = registered.Id },
                    new SubmitForCertificationRequest { RequestId = Guid.NewGuid().ToString(), Id = registered.Id },
                },
            }));
    }

    [Fact]
    public async Task InvalidDatasetIdInABatchIsNamedWithItsIndex()
    {
        await GrpcAssert.InvalidField("requests[0].id", async () =>
            await Client.BatchCertifyDatasetsAsync(new BatchCertifyDatasetsRequest
            {
                Requests = { new CertifyDatasetRequest { RequestId = Guid.NewGuid().ToString(), Id = "not-a-uuid" } },
            }));
    }

    [Fact]
    public async Task BatchSubmitAndCertifyFollowTheNoticePeriod()
    {
        var marker = Marker();
        var registered = (await Client.BatchRegisterDatasetsAsync(new BatchRegisterDatasetsRequest
        {
            Requests = { Datasets.ChestCt(marker), Datasets.Finance(marker), Datasets.ChestCt(marker) },
        })).Datasets;

        var submitted = await Client.BatchSubmitForCertificationAsync(new BatchSubmitForCertificationRequest
        {
            Requests = { registered.Select(d => new SubmitForCertificationRequest { RequestId = Guid.NewGuid().ToString(), Id = d.Id }) },
        });
        Assert.Equal(registered.Select(d => d.Id), submitted.Datasets.Select(d => d.Id));
        Assert.All(submitted.Datasets, d =>
        {
            Assert.Equal(CertificationStatus.PublicNotice, d.Status);
            Assert.Equal(d.NoticeStartedAt.ToDateTimeOffset() + NoticePeriod, d.NoticeEndsAt.ToDateTimeOffset());
        });

        var certify = new BatchCertifyDatasetsRequest
        {
            Requests = { registered.Select(d => new CertifyDatasetRequest { RequestId = Guid.NewGuid().ToString(), Id = d.Id }) },
        };
        var early = await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await Client.BatchCertifyDatasetsAsync(certify));
        Assert.Contains($"requests[0] (dataset '{registered[0].Id}')", early.Status.Detail);

        fixture.Time.Advance(NoticePeriod);
        var certified = (await Client.BatchCertifyDatasetsAsync(certify)).Datasets;

        Assert.Equal(registered.Select(d => d.Id), certified.Select(d => d.Id));
        Assert.All(certified, d => Assert.Equal(CertificationStatus.Certified, d.Status));
        var serials = certified.Select(d => int.Parse(d.CertificateNumber[^6..])).ToList();
        Assert.Equal(serials.Order(), serials);
        Assert.Equal(3, serials.Distinct().Count());
        foreach (var dataset in certified)
        {
            var events = await fixture.OutboxEventsAsync(dataset.Id);
            Assert.Equal(["Platform.Contracts.DatasetRegistered", "Platform.Contracts.DatasetCertified"], events.Select(e => e.Type));
            Assert.Contains($"\"certificateNumber\": \"{dataset.CertificateNumber}\"", events[1].Payload);
            Assert.Equal(dataset, await Client.GetDatasetAsync(new GetDatasetRequest { Id = dataset.Id }));
        }

        Assert.Equal(certified, (await Client.BatchCertifyDatasetsAsync(certify)).Datasets);
    }

    [Fact]
    public async Task BatchCertifyWithAnItemStillInNoticeFailsNamingItAndCertifiesNothing()
    {
        var ready = await Client.RegisterDatasetAsync(Datasets.ChestCt());
        await Client.SubmitForCertificationAsync(new SubmitForCertificationRequest { RequestId = Guid.NewGuid().ToString(), Id = ready.Id });
        fixture.Time.Advance(NoticePeriod);
        var waiting = await Client.RegisterDatasetAsync(Datasets.Finance());
        await Client.SubmitForCertificationAsync(new SubmitForCertificationRequest { RequestId = Guid.NewGuid().ToString(), Id = waiting.Id });

        var ex = await GrpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await Client.BatchCertifyDatasetsAsync(new BatchCertifyDatasetsRequest
            {
                Requests =
                {
                    new CertifyDatasetRequest { RequestId = Guid.NewGuid().ToString(), Id = ready.Id },
                    new CertifyDatasetRequest { RequestId = Guid.NewGuid().ToString(), Id = waiting.Id },
                },
            }));

        Assert.Contains($"requests[1] (dataset '{waiting.Id}')", ex.Status.Detail);
        Assert.Equal(CertificationStatus.PublicNotice, (await Client.GetDatasetAsync(new GetDatasetRequest { Id = ready.Id })).Status);
        Assert.DoesNotContain(await fixture.OutboxEventsAsync(ready.Id), e => e.Type == "Platform.Contracts.DatasetCertified");
    }

    [Fact]
    public async Task BatchCertifyOverlappingAnEarlierSingleCertificationReturnsItsCertificate()
    {
        var first = await Client.RegisterDatasetAsync(Datasets.ChestCt());
        var second = await Client.RegisterDatasetAsync(Datasets.Finance());
        await Client.BatchSubmitForCertificationAsync(new BatchSubmitForCertificationRequest
        {
            Requests = { new[] { first, second }.Select(d => new SubmitForCertificationRequest { RequestId = Guid.NewGuid().ToString(), Id = d.Id }) },
        });
        fixture.Time.Advance(NoticePeriod);
        var earlier = new CertifyDatasetRequest { RequestId = Guid.NewGuid().ToString(), Id = first.Id };
        var single = await Client.CertifyDatasetAsync(earlier);

        var batch = await Client.BatchCertifyDatasetsAsync(new BatchCertifyDatasetsRequest
        {
            Requests = { earlier, new CertifyDatasetRequest { RequestId = Guid.NewGuid().ToString(), Id = second.Id } },
        });

        Assert.Equal(single, batch.Datasets[0]);
        Assert.Equal(CertificationStatus.Certified, batch.Datasets[1].Status);
        Assert.Single(await fixture.OutboxEventsAsync(first.Id), e => e.Type == "Platform.Contracts.DatasetCertified");
    }

    [Fact]
    public async Task BatchCertifyDismissesListedObjections()
    {
        var dataset = await Client.RegisterDatasetAsync(Datasets.ChestCt());
        await Client.SubmitForCertificationAsync(new SubmitForCertificationRequest { RequestId = Guid.NewGuid().ToString(), Id = dataset.Id });
        var objection = await Client.RaiseObjectionAsync(new RaiseObjectionRequest { Id = dataset.Id, Objector = "某研究所", Reason = "缺少脱敏" });
        fixture.Time.Advance(NoticePeriod);

        await GrpcAssert.InvalidField("requests[0].dismissed_objection_ids", async () =>
            await Client.BatchCertifyDatasetsAsync(new BatchCertifyDatasetsRequest
            {
                Requests = { new CertifyDatasetRequest { RequestId = Guid.NewGuid().ToString(), Id = dataset.Id, DismissedObjectionIds = { Guid.NewGuid().ToString() } } },
            }));
        var certified = await Client.BatchCertifyDatasetsAsync(new BatchCertifyDatasetsRequest
        {
            Requests = { new CertifyDatasetRequest { RequestId = Guid.NewGuid().ToString(), Id = dataset.Id, DismissedObjectionIds = { objection.Id } } },
        });

        Assert.Equal(CertificationStatus.Certified, certified.Datasets[0].Status);
        Assert.Equal(0, certified.Datasets[0].OpenObjectionCount);
    }

    [Fact]
    public async Task ABatchWhoseAnswerWouldExceedFourMegabytesIsRefusedAndStoresNothing()
    {
        // Each dataset answers with about 24 KB of descriptions: 200 of them come to about 5 MB.
        var marker = Marker();
        var large = Enumerable.Range(0, 200).Select(_ =>
        {
            var request = Datasets.ChestCt(marker);
            request.DescriptionZh = new string('数', 4_000);
            request.DescriptionEn = new string('数', 4_000);
            return request;
        }).ToList();
        var ids = new List<string>();
        foreach (var chunk in large.Chunk(50))
        {
            ids.AddRange((await Client.BatchRegisterDatasetsAsync(new BatchRegisterDatasetsRequest { Requests = { chunk } })).Datasets.Select(d => d.Id));
        }

        var submit = new BatchSubmitForCertificationRequest();
        submit.Requests.AddRange(ids.Select(id => new SubmitForCertificationRequest { RequestId = Guid.NewGuid().ToString(), Id = id }));
        var error = await GrpcAssert.FailsWith(StatusCode.ResourceExhausted, async () => await Client.BatchSubmitForCertificationAsync(submit));

        Assert.Contains("send fewer items", error.Status.Detail);
        Assert.Equal(0, await StoredRequestIdsAsync(submit.Requests.Select(r => r.RequestId)));
        Assert.Equal(CertificationStatus.Draft, (await Client.GetDatasetAsync(new GetDatasetRequest { Id = ids[0] })).Status);
    }

    private static string Marker() => "batch-" + Guid.NewGuid().ToString("N");

    private async Task<long> CountWithMarkerAsync(string marker)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        return await connection.ExecuteScalarAsync<long>("select count(*) from datasets where @marker = any(keywords)", new { marker });
    }

    private async Task<long> StoredRequestIdsAsync(IEnumerable<string> requestIds)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        return await connection.ExecuteScalarAsync<long>(
            "select count(*) from write_requests where request_id = any(@ids)", new { ids = requestIds.ToArray() });
    }
}
