using System.Diagnostics;
using Grpc.Core;
using Platform.Catalog.V1;

namespace Platform.Catalog.Benchmark;

/// <summary>Registers a realistic, deterministic corpus through the public API (request ids bench-N, so re-runs add nothing).</summary>
internal static class Seeder
{
    public static readonly (string Code, string Zh)[] Provinces =
    [
        ("beijing", "北京"), ("shanghai", "上海"), ("guangdong", "广东"), ("zhejiang", "浙江"), ("jiangsu", "江苏"), ("sichuan", "四川"),
        ("liaoning", "辽宁"), ("anhui", "安徽"), ("hunan", "湖南"), ("hainan", "海南"), ("hebei", "河北"), ("shanxi", "山西"),
        ("guizhou", "贵州"), ("tianjin", "天津"), ("hubei", "湖北"), ("shandong", "山东"),
    ];

    private static readonly string[] Bases = ["chengdu", "shenyang", "hefei", "changsha", "haikou", "baoding", "datong"];

    private static readonly (Domain Domain, Modality Modality, string Zh, string En)[] Topics =
    [
        (Domain.Healthcare, Modality.Image, "胸部CT医学影像", "chest CT medical imaging"),
        (Domain.Healthcare, Modality.Image, "病理切片影像", "pathology slide imaging"),
        (Domain.Healthcare, Modality.Text, "电子病历", "electronic medical records"),
        (Domain.Industry, Modality.Image, "工业质检图像", "industrial quality inspection images"),
        (Domain.Industry, Modality.TimeSeries, "设备故障传感器", "equipment fault sensor readings"),
        (Domain.Finance, Modality.Tabular, "金融风控", "finance risk control records"),
        (Domain.Finance, Modality.Text, "上市公司财务报表", "listed company financial statements"),
        (Domain.Transport, Modality.TimeSeries, "城市交通流量", "urban traffic flow"),
        (Domain.Transport, Modality.Video, "自动驾驶道路场景", "autonomous driving road scenes"),
        (Domain.Education, Modality.Text, "中小学教育题库", "school exercise bank"),
        (Domain.Education, Modality.Video, "课堂教学视频", "classroom teaching video"),
        (Domain.Agriculture, Modality.Geospatial, "农作物遥感", "crop remote sensing"),
        (Domain.Energy, Modality.TimeSeries, "电网负荷", "power grid load"),
        (Domain.Energy, Modality.Geospatial, "光伏发电选址", "photovoltaic siting"),
        (Domain.Culture, Modality.Text, "古籍文献", "ancient books corpus"),
        (Domain.Culture, Modality.Audio, "方言语音", "dialect speech"),
        (Domain.Government, Modality.Text, "政务服务问答", "government service dialogues"),
        (Domain.Science, Modality.Tabular, "气象观测", "meteorological observations"),
        (Domain.Science, Modality.Text, "基因组注释", "genome annotation"),
        (Domain.Other, Modality.Multimodal, "通用多模态语料", "general multimodal corpus"),
    ];

    public static async Task SeedAsync(CatalogService.CatalogServiceClient client, int count, int parallelism)
    {
        var existing = (await client.GetCatalogStatsAsync(new GetCatalogStatsRequest())).DatasetCount;
        if (existing >= count)
        {
            Console.WriteLine($"{existing:N0} datasets already stored; no seeding");
            return;
        }

        Console.WriteLine($"{existing:N0} datasets stored; seeding up to {count:N0} (idempotent request ids)...");
        var watch = Stopwatch.StartNew();
        var done = 0;
        var certify = true;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (i, ct) =>
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    var dataset = await client.RegisterDatasetAsync(Dataset(i), cancellationToken: ct);
                    if (i % 3 == 0 && Volatile.Read(ref certify))
                    {
                        // A third of the corpus is certified when the server's notice period allows it (set it to 0 for seeding).
                        await client.SubmitForCertificationAsync(new SubmitForCertificationRequest { RequestId = $"bench-{i}-submit", Id = dataset.Id }, cancellationToken: ct);
                        try
                        {
                            await client.CertifyDatasetAsync(new CertifyDatasetRequest { RequestId = $"bench-{i}-certify", Id = dataset.Id }, cancellationToken: ct);
                        }
                        catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition)
                        {
                            Volatile.Write(ref certify, false);
                            Console.WriteLine($"  not certifying: {ex.Status.Detail}");
                        }
                    }

                    break;
                }
                catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.Aborted && attempt < 5)
                {
                    await Task.Delay(100 * (attempt + 1), ct);
                }
            }

            if (Interlocked.Increment(ref done) % 5_000 == 0)
            {
                Console.WriteLine($"  {done:N0} registered ({done / watch.Elapsed.TotalSeconds:F0}/s)");
            }
        });
        Console.WriteLine($"seeded in {watch.Elapsed.TotalSeconds:F0}s");
    }

    public static async Task<List<string>> SampleIdsAsync(CatalogService.CatalogServiceClient client, int max)
    {
        var ids = new List<string>();
        var token = "";
        do
        {
            var page = await client.ListDatasetsAsync(new ListDatasetsRequest { PageSize = 1000, PageToken = token });
            ids.AddRange(page.Datasets.Select(d => d.Id));
            token = page.NextPageToken;
        }
        while (token.Length > 0 && ids.Count < max);

        return ids;
    }

    private static RegisterDatasetRequest Dataset(int i)
    {
        var random = new Random(i);
        var topic = Topics[i % Topics.Length];
        var (province, provinceZh) = Provinces[random.Next(Provinces.Length)];
        var zh = random.Next(0, 10_001);
        var annotated = random.Next(3) > 0;
        var request = new RegisterDatasetRequest
        {
            RequestId = $"bench-{i}",
            Name = $"{provinceZh}{topic.Zh}数据集（第{i / Topics.Length + 1}批）",
            NameEn = $"{topic.En} dataset, {province} batch {i / Topics.Length + 1}",
            DescriptionZh = $"由{provinceZh}数据提供方整理的{topic.Zh}高质量数据集，经过清洗、脱敏与质量评估。",
            DescriptionEn = $"A curated {topic.En} dataset from {province}, cleaned, de-identified and quality-assessed.",
            Domain = topic.Domain,
            Modality = topic.Modality,
            VolumeBytes = (long)(Math.Pow(10, 6 + random.NextDouble() * 7)),
            RecordCount = random.Next(1_000, 10_000_000),
            TokenCount = topic.Modality == Modality.Text ? random.Next(1_000_000, int.MaxValue) : 0,
            Annotation = annotated
                ? new Annotation { BaseCode = Bases[random.Next(Bases.Length)], Method = (AnnotationMethod)random.Next(2, 5), AnnotatedFractionBp = random.Next(1, 10_001) }
                : new Annotation { Method = AnnotationMethod.None },
            QualityGrade = (QualityGrade)random.Next(1, 4),
            Licence = (Licence)random.Next(1, 9),
            AccessLevel = (AccessLevel)random.Next(1, 4),
            Provider = new Provider { Organisation = $"{provinceZh}数据集团{random.Next(1, 40)}号", Province = province },
            Keywords = { topic.Zh, topic.En.Split(' ')[0], provinceZh },
            Edition = $"2025.{random.Next(1, 13):D2}",
        };
        if (zh is > 0 and < 10_000)
        {
            request.LanguageShares.Add(new LanguageShare { Code = "zh", BasisPoints = zh });
            request.LanguageShares.Add(new LanguageShare { Code = "en", BasisPoints = 10_000 - zh });
        }
        else
        {
            request.LanguageShares.Add(new LanguageShare { Code = zh == 0 ? "en" : "zh", BasisPoints = 10_000 });
        }

        return request;
    }
}
