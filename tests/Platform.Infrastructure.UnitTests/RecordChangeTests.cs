using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Platform.Catalog.V1;
using Platform.Infrastructure.Writes;

namespace Platform.Infrastructure.UnitTests;

public sealed class RecordChangeTests
{
    [Fact]
    public void ACreatedRecordListsEverySetFieldAndChineseStaysReadable()
    {
        var json = new RecordChange("d1", null, new Dataset { Id = "d1", Name = "胸部CT<影像>", VolumeBytes = 5, Version = 1 }).ChangesJson();

        Assert.Equal("""[{"field":"id","from":"","to":"\"d1\""},{"field":"name","from":"","to":"\"胸部CT<影像>\""},{"field":"volume_bytes","from":"","to":"\"5\""}]""", json);
    }

    [Fact]
    public void OnlyChangedFieldsAreListedAndVersionAloneIsNoChange()
    {
        var before = new Dataset { Id = "d1", Name = "a", Status = CertificationStatus.PublicNotice, Version = 2, Keywords = { "x" } };
        var after = before.Clone();
        after.Status = CertificationStatus.Certified;
        after.Version = 3;
        after.CertifiedAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2025, 6, 30, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(
            """[{"field":"status","from":"\"CERTIFICATION_STATUS_PUBLIC_NOTICE\"","to":"\"CERTIFICATION_STATUS_CERTIFIED\""},{"field":"certified_at","from":"","to":"\"2025-06-30T00:00:00Z\""}]""",
            new RecordChange("d1", before, after).ChangesJson());
        var versionOnly = before.Clone();
        versionOnly.Version = 9;
        Assert.Null(new RecordChange("d1", before, versionOnly).ChangesJson());
    }

    /// <summary>Random edits of a dataset: the same JSON as formatting and comparing every field (the first implementation).</summary>
    [Fact]
    public void AgreesWithFormattingEveryFieldOverRandomEdits()
    {
        var random = new Random(11);
        for (var run = 0; run < 500; run++)
        {
            var before = Random(random);
            var after = random.Next(4) == 0 ? Random(random) : Edited(before, random);
            var created = random.Next(5) == 0;

            Assert.Equal(Reference(created ? null : before, after), new RecordChange("d", created ? null : before, after).ChangesJson());
        }
    }

    private static Dataset Random(Random random) => new()
    {
        Id = random.Next(3).ToString(System.Globalization.CultureInfo.InvariantCulture),
        Name = random.Next(3) switch { 0 => "医学影像数据集", 1 => "traffic \"data\" & more", _ => "表情 😀 <b>\u2028\t\\" },
        OpenObjectionCount = random.Next(2),
        Evaluations = random.Next(3) switch
        {
            0 => null,
            1 => new EvaluationSummary(),
            _ => new EvaluationSummary { Count = 2, BestUpliftBp = random.Next(-5, 5), MedianUpliftBp = 0 },
        },
        VolumeBytes = random.Next(3) * 1_000_000_000_000L,
        Status = (CertificationStatus)random.Next(0, 7),
        Keywords = { Enumerable.Range(0, random.Next(3)).Select(i => $"关键词{i}") },
        LanguageShares = { Enumerable.Range(0, random.Next(3)).Select(i => new LanguageShare { Code = i == 0 ? "zh" : "en", BasisPoints = 5_000 }) },
        Version = random.Next(1, 5),
        CertifiedAt = random.Next(2) == 0 ? null : Timestamp.FromDateTimeOffset(new DateTimeOffset(2025, 1, 1 + random.Next(3), 0, 0, 0, TimeSpan.Zero)),
        Provider = random.Next(2) == 0 ? null : new Provider { Organisation = "协和医院", Province = random.Next(2) == 0 ? "BJ" : "SH" },
    };

    private static Dataset Edited(Dataset before, Random random)
    {
        var after = before.Clone();
        switch (random.Next(5))
        {
            case 0: after.Status = (CertificationStatus)random.Next(0, 7); break;
            case 1: after.Keywords.Add("新"); break;
            case 2: after.Provider = null; break;
            case 3: after.Version++; break;
            default: after.LanguageShares.Clear(); break;
        }

        return after;
    }

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true));
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string? Reference(IMessage? beforeMessage, IMessage afterMessage)
    {
        var before = beforeMessage is null ? new JsonObject() : JsonNode.Parse(Formatter.Format(beforeMessage))!.AsObject();
        var after = JsonNode.Parse(Formatter.Format(afterMessage))!.AsObject();
        var changes = new JsonArray();
        foreach (var field in afterMessage.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.Name is "version" or "updated_at")
            {
                continue;
            }

            var from = before[field.Name]?.ToJsonString(Readable) ?? "";
            var to = after[field.Name]?.ToJsonString(Readable) ?? "";
            if (from != to)
            {
                changes.Add(new JsonObject { ["field"] = field.Name, ["from"] = from, ["to"] = to });
            }
        }

        return changes.Count == 0 ? null : changes.ToJsonString(Readable);
    }
}
