using Platform.Catalog.V1;

namespace Platform.Catalog.FunctionalTests;

/// <summary>Valid registration requests to start from.</summary>
internal static class Datasets
{
    public static RegisterDatasetRequest ChestCt(string? marker = null) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        Name = "胸部CT医学影像数据集",
        NameEn = "Chest CT medical imaging dataset",
        DescriptionZh = "三甲医院胸部CT影像，由放射科专家标注。",
        DescriptionEn = "Chest CT scans from tertiary hospitals, annotated by radiology experts.",
        Domain = Domain.Healthcare,
        Modality = Modality.Image,
        VolumeBytes = 5_000_000_000,
        RecordCount = 120_000,
        LanguageShares = { new LanguageShare { Code = "zh", BasisPoints = 8_000 }, new LanguageShare { Code = "en", BasisPoints = 2_000 } },
        Annotation = new Annotation { BaseCode = "chengdu", Method = AnnotationMethod.Expert, AnnotatedFractionBp = 9_500 },
        QualityGrade = QualityGrade.A,
        Licence = Licence.CcBy40,
        AccessLevel = AccessLevel.Conditional,
        Provider = new Provider { Organisation = "四川大学华西医院", Province = "sichuan" },
        Keywords = { "医学影像", "CT", marker ?? "chest" },
        Edition = "2025.06",
    };

    public static RegisterDatasetRequest Finance(string? marker = null) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        Name = "上市公司财务报表数据集",
        NameEn = "Listed company financial statements",
        DescriptionEn = "Quarterly statements of listed companies.",
        Domain = Domain.Finance,
        Modality = Modality.Tabular,
        VolumeBytes = 20_000_000,
        LanguageShares = { new LanguageShare { Code = "zh-Hans", BasisPoints = 5_000 }, new LanguageShare { Code = "en", BasisPoints = 5_000 } },
        Licence = Licence.Commercial,
        AccessLevel = AccessLevel.Restricted,
        Provider = new Provider { Organisation = "上海数据交易所", Province = "shanghai" },
        Keywords = { "财务", marker ?? "finance" },
    };
}
