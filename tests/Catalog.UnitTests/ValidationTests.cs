using Platform.Catalog.V1;
using Platform.Catalog.Validation;
using Platform.Infrastructure.Grpc;

namespace Platform.Catalog.UnitTests;

public sealed class ValidationTests
{
    private static Dataset Valid() => new()
    {
        Name = " 胸部CT医学影像数据集 ",
        Domain = V1.Domain.Healthcare,
        Modality = Modality.Image,
        VolumeBytes = 1,
        LanguageShares = { new LanguageShare { Code = "zh", BasisPoints = 7_000 }, new LanguageShare { Code = "en-us", BasisPoints = 3_000 } },
        Annotation = new Annotation { BaseCode = "Chengdu", Method = AnnotationMethod.Expert, AnnotatedFractionBp = 10_000 },
        Provider = new Provider { Organisation = "华西医院", Province = "四川" },
        Keywords = { " CT " },
    };

    private static FieldViolations Check(Dataset d)
    {
        var violations = new FieldViolations();
        DatasetValidation.Content(d, violations);
        return violations;
    }

    [Fact]
    public void ValidDatasetIsNormalised()
    {
        var d = Valid();

        Assert.False(Check(d).Any);
        Assert.Equal("胸部CT医学影像数据集", d.Name);
        Assert.Equal("en-US", d.LanguageShares[1].Code);
        Assert.Equal("chengdu", d.Annotation.BaseCode);
        Assert.Equal("sichuan", d.Provider.Province);
        Assert.Equal("CT", d.Keywords[0]);
    }

    [Fact]
    public void NoLanguageSharesIsValid()
    {
        var d = Valid();
        d.LanguageShares.Clear();

        Assert.False(Check(d).Any);
    }

    [Fact]
    public void SharesMustSumToTenThousand()
    {
        var d = Valid();
        d.LanguageShares[1].BasisPoints = 2_999;

        Assert.True(Check(d).Any);
    }

    [Theory]
    [InlineData("zh", "zh")]
    [InlineData("ZH-hant-tw", "zh-Hant-TW")]
    [InlineData("yue", "yue")]
    [InlineData("en-419", "en-419")]
    [InlineData("xx", null)]
    [InlineData("zh_CN", null)]
    [InlineData("chinese", null)]
    [InlineData("", null)]
    public void LanguageTagsAreCheckedAndCanonicalised(string tag, string? canonical) =>
        Assert.Equal(canonical, DatasetValidation.CanonicalLanguageTag(tag));

    [Fact]
    public void ZhShareCountsEveryChineseVariety() =>
        Assert.Equal(8_000, DatasetValidation.ZhShare([
            new LanguageShare { Code = "zh-Hans", BasisPoints = 6_000 },
            new LanguageShare { Code = "yue", BasisPoints = 2_000 },
            new LanguageShare { Code = "en", BasisPoints = 2_000 },
        ]));

    [Fact]
    public void FractionWithoutAnnotationIsInvalid()
    {
        var d = Valid();
        d.Annotation = new Annotation { Method = AnnotationMethod.None, AnnotatedFractionBp = 10 };

        Assert.True(Check(d).Any);
    }

    [Fact]
    public void MaskPathsAreLimitedToDescriptiveFields()
    {
        Assert.True(DatasetMask.IsUpdatable("provider.province"));
        Assert.False(DatasetMask.IsUpdatable("status"));
        Assert.False(DatasetMask.IsUpdatable("version"));
        Assert.False(DatasetMask.IsUpdatable("certificate_number"));
    }
}
