using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Platform.Catalog.V1;
using Platform.Testing;

namespace Platform.Catalog.FunctionalTests;

/// <summary>A corpus of invalid requests, each expecting INVALID_ARGUMENT naming the precise field.</summary>
[Collection(CatalogCollection.Name)]
public sealed class InvalidRequestTests(CatalogFixture fixture)
{
    public static TheoryData<string, string> InvalidRegistrations => new()
    {
        { "negative volume", "volume_bytes" },
        { "zero volume", "volume_bytes" },
        { "empty name", "name" },
        { "blank name", "name" },
        { "over-long name", "name" },
        { "over-long description", "description_en" },
        { "shares not summing to 10000", "language_shares" },
        { "unknown language code", "language_shares[1].code" },
        { "malformed language code", "language_shares[0].code" },
        { "duplicate language code", "language_shares[1].code" },
        { "zero share", "language_shares[0].basis_points" },
        { "unknown annotation base", "annotation.base_code" },
        { "base without method", "annotation.method" },
        { "annotated fraction above 10000", "annotation.annotated_fraction_bp" },
        { "bad domain enum", "domain" },
        { "bad modality enum", "modality" },
        { "bad licence enum", "licence" },
        { "bad access level enum", "access_level" },
        { "bad quality grade enum", "quality_grade" },
        { "unknown province", "provider.province" },
        { "negative record count", "record_count" },
        { "negative token count", "token_count" },
        { "empty keyword", "keywords[0]" },
        { "over-long keyword", "keywords[0]" },
        { "too many keywords", "keywords" },
        { "over-long request id", "request_id" },
    };

    [Theory]
    [MemberData(nameof(InvalidRegistrations))]
    public Task RegisterDatasetRejectsInvalidField(string invalid, string field)
    {
        var request = Datasets.ChestCt();
        switch (invalid)
        {
            case "negative volume": request.VolumeBytes = -1; break;
            case "zero volume": request.VolumeBytes = 0; break;
            case "empty name": request.Name = ""; break;
            case "blank name": request.Name = "   "; break;
            case "over-long name": request.Name = new string('数', 201); break;
            case "over-long description": request.DescriptionEn = new string('x', 4001); break;
            case "shares not summing to 10000": request.LanguageShares[1].BasisPoints = 1_000; break;
            case "unknown language code": request.LanguageShares[1].Code = "xx"; break;
            case "malformed language code": request.LanguageShares[0].Code = "chinese!"; break;
            case "duplicate language code": request.LanguageShares[1].Code = "ZH"; break;
            case "zero share": request.LanguageShares[0].BasisPoints = 0; break;
            case "unknown annotation base": request.Annotation.BaseCode = "beijing"; break;
            case "base without method": request.Annotation.Method = AnnotationMethod.None; request.Annotation.AnnotatedFractionBp = 0; break;
            case "annotated fraction above 10000": request.Annotation.AnnotatedFractionBp = 10_001; break;
            case "bad domain enum": request.Domain = (Domain)99; break;
            case "bad modality enum": request.Modality = (Modality)99; break;
            case "bad licence enum": request.Licence = (Licence)99; break;
            case "bad access level enum": request.AccessLevel = (AccessLevel)99; break;
            case "bad quality grade enum": request.QualityGrade = (QualityGrade)99; break;
            case "unknown province": request.Provider.Province = "atlantis"; break;
            case "negative record count": request.RecordCount = -5; break;
            case "negative token count": request.TokenCount = -5; break;
            case "empty keyword": request.Keywords[0] = " "; break;
            case "over-long keyword": request.Keywords[0] = new string('k', 65); break;
            case "too many keywords": request.Keywords.AddRange(Enumerable.Range(0, 40).Select(i => $"k{i}")); break;
            case "over-long request id": request.RequestId = new string('r', 129); break;
            default: throw new ArgumentOutOfRangeException(nameof(invalid));
        }

        return GrpcAssert.InvalidField(field, async () => await fixture.Client.RegisterDatasetAsync(request));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-uuid")]
    [InlineData("123")]
    public async Task MalformedIdsAreInvalid(string id)
    {
        await GrpcAssert.InvalidField("id", async () => await fixture.Client.GetDatasetAsync(new GetDatasetRequest { Id = id }));
        await GrpcAssert.InvalidField("id", async () => await fixture.Client.SubmitForCertificationAsync(new SubmitForCertificationRequest { Id = id }));
        await GrpcAssert.InvalidField("id", async () => await fixture.Client.CertifyDatasetAsync(new CertifyDatasetRequest { Id = id }));
        await GrpcAssert.InvalidField("id", async () => await fixture.Client.RetireDatasetAsync(new RetireDatasetRequest { Id = id }));
        await GrpcAssert.InvalidField("id", async () => await fixture.Client.RejectDatasetAsync(new RejectDatasetRequest { Id = id, Reason = "r" }));
        await GrpcAssert.InvalidField("id", async () => await fixture.Client.RaiseObjectionAsync(new RaiseObjectionRequest { Id = id, Objector = "o", Reason = "r" }));
        await GrpcAssert.InvalidField("dataset.id", async () =>
            await fixture.Client.UpdateDatasetAsync(new UpdateDatasetRequest { Dataset = new Dataset { Id = id }, UpdateMask = FieldMask.FromString("edition") }));
    }

    [Fact]
    public Task BatchGetNamesTheMalformedId() =>
        GrpcAssert.InvalidField("ids[1]", async () =>
            await fixture.Client.BatchGetDatasetsAsync(new BatchGetDatasetsRequest { Ids = { Guid.NewGuid().ToString(), "nope" } }));

    [Fact]
    public Task BatchGetOfNoIdsIsInvalid() =>
        GrpcAssert.InvalidField("ids", async () => await fixture.Client.BatchGetDatasetsAsync(new BatchGetDatasetsRequest()));

    [Fact]
    public Task UpdateWithoutMaskIsInvalid() =>
        GrpcAssert.InvalidField("update_mask", async () =>
            await fixture.Client.UpdateDatasetAsync(new UpdateDatasetRequest { Dataset = new Dataset { Id = Guid.NewGuid().ToString() } }));

    [Fact]
    public Task RejectionWithoutReasonIsInvalid() =>
        GrpcAssert.InvalidField("reason", async () =>
            await fixture.Client.RejectDatasetAsync(new RejectDatasetRequest { Id = Guid.NewGuid().ToString() }));

    [Fact]
    public Task ObjectionWithoutObjectorIsInvalid() =>
        GrpcAssert.InvalidField("objector", async () =>
            await fixture.Client.RaiseObjectionAsync(new RaiseObjectionRequest { Id = Guid.NewGuid().ToString(), Reason = "r" }));

    [Theory]
    [InlineData(-1)]
    [InlineData(1001)]
    public Task PageSizeOutOfRangeIsInvalid(int pageSize) =>
        GrpcAssert.InvalidField("page_size", async () => await fixture.Client.ListDatasetsAsync(new ListDatasetsRequest { PageSize = pageSize }));

    public static TheoryData<string, string> InvalidFilters => new()
    {
        { "unspecified status", "filter.statuses[0]" },
        { "undefined domain", "filter.domains[0]" },
        { "unknown base", "filter.annotation_base_codes[0]" },
        { "unknown province", "filter.provinces[0]" },
        { "negative volume", "filter.min_volume_bytes" },
        { "inverted volume range", "filter.max_volume_bytes" },
        { "zh share above 10000", "filter.min_zh_share_bp" },
    };

    [Theory]
    [MemberData(nameof(InvalidFilters))]
    public Task SearchRejectsInvalidFilter(string invalid, string field)
    {
        var filter = invalid switch
        {
            "unspecified status" => new DatasetFilter { Statuses = { CertificationStatus.Unspecified } },
            "undefined domain" => new DatasetFilter { Domains = { (Domain)42 } },
            "unknown base" => new DatasetFilter { AnnotationBaseCodes = { "paris" } },
            "unknown province" => new DatasetFilter { Provinces = { "bavaria" } },
            "negative volume" => new DatasetFilter { MinVolumeBytes = -1 },
            "inverted volume range" => new DatasetFilter { MinVolumeBytes = 10, MaxVolumeBytes = 5 },
            "zh share above 10000" => new DatasetFilter { MinZhShareBp = 10_001 },
            _ => throw new ArgumentOutOfRangeException(nameof(invalid)),
        };

        return GrpcAssert.InvalidField(field, async () => await fixture.Client.SearchDatasetsAsync(new SearchDatasetsRequest { Filter = filter }));
    }

    [Fact]
    public Task OverLongQueryIsInvalid() =>
        GrpcAssert.InvalidField("query", async () =>
            await fixture.Client.SearchDatasetsAsync(new SearchDatasetsRequest { Query = new string('q', 201) }));
    [Fact]
    public async Task ANulCharacterInAnyTextIsInvalidNamingTheField()
    {
        var request = Datasets.ChestCt();
        request.Name = "胸部CT\0数据集";
        request.Keywords.Add("影像\0");
        var batch = new BatchRegisterDatasetsRequest { Requests = { Datasets.Finance(), new RegisterDatasetRequest(request) { RequestId = "nul" } } };

        var single = await GrpcAssert.InvalidField("name", async () => await fixture.Client.RegisterDatasetAsync(request));
        var inBatch = await GrpcAssert.InvalidField("requests[1].name", async () => await fixture.Client.BatchRegisterDatasetsAsync(batch));

        Assert.Equal(["name", $"keywords[{request.Keywords.Count - 1}]"], single.FieldViolations.Select(v => v.Field));
        Assert.Contains(inBatch.FieldViolations, v => v.Field == $"requests[1].keywords[{request.Keywords.Count - 1}]");
        // The pooled connections are unharmed: the next write works.
        await fixture.Client.RegisterDatasetAsync(Datasets.ChestCt());
    }

    [Fact]
    public async Task ABatchOfManyBadItemsReportsTheFirstFiftyAndTheTotal()
    {
        var batch = new BatchRegisterDatasetsRequest();
        batch.Requests.AddRange(Enumerable.Range(0, 500).Select(i => new RegisterDatasetRequest(Datasets.ChestCt()) { RequestId = "", VolumeBytes = -1 }));

        var error = await GrpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await fixture.Client.BatchRegisterDatasetsAsync(batch));

        Assert.Equal(Platform.Infrastructure.Grpc.FieldViolations.MaxReported, error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Count);
        Assert.StartsWith("1000 invalid fields (the first 50 in the details): requests[0].", error.Status.Detail);
    }
}
