using System.Collections.Frozen;

namespace Platform.Catalog.Model;

/// <summary>Closed vocabularies the catalog validates against; the annotation bases mirror the 0001 migration's seed.</summary>
internal static class ReferenceData
{
    /// <summary>Codes of the seven national data-annotation bases (FACTS.md H8).</summary>
    public static readonly FrozenSet<string> AnnotationBaseCodes =
        new[] { "chengdu", "shenyang", "hefei", "changsha", "haikou", "baoding", "datong" }.ToFrozenSet();

    /// <summary>Province-level divisions: pinyin code to Chinese name.</summary>
    public static readonly FrozenDictionary<string, string> Provinces = new Dictionary<string, string>
    {
        ["beijing"] = "北京", ["tianjin"] = "天津", ["hebei"] = "河北", ["shanxi"] = "山西", ["neimenggu"] = "内蒙古",
        ["liaoning"] = "辽宁", ["jilin"] = "吉林", ["heilongjiang"] = "黑龙江", ["shanghai"] = "上海", ["jiangsu"] = "江苏",
        ["zhejiang"] = "浙江", ["anhui"] = "安徽", ["fujian"] = "福建", ["jiangxi"] = "江西", ["shandong"] = "山东",
        ["henan"] = "河南", ["hubei"] = "湖北", ["hunan"] = "湖南", ["guangdong"] = "广东", ["guangxi"] = "广西",
        ["hainan"] = "海南", ["chongqing"] = "重庆", ["sichuan"] = "四川", ["guizhou"] = "贵州", ["yunnan"] = "云南",
        ["xizang"] = "西藏", ["shaanxi"] = "陕西", ["gansu"] = "甘肃", ["qinghai"] = "青海", ["ningxia"] = "宁夏",
        ["xinjiang"] = "新疆", ["xianggang"] = "香港", ["aomen"] = "澳门", ["taiwan"] = "台湾",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, string> ProvinceByChineseName =
        Provinces.ToFrozenDictionary(p => p.Value, p => p.Key);

    /// <summary>ISO 639-1 codes plus the ISO 639-3 Chinese varieties a corpus of this platform meets.</summary>
    public static readonly FrozenSet<string> LanguageSubtags = (
        "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el " +
        "en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu " +
        "ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na " +
        "nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so " +
        "sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu " +
        "cmn yue wuu nan hak gan hsn cjy")
        .Split(' ').ToFrozenSet();

    /// <summary>Primary subtags counted as Chinese for the "zh share" filter.</summary>
    public static readonly FrozenSet<string> ChineseSubtags =
        new[] { "zh", "cmn", "yue", "wuu", "nan", "hak", "gan", "hsn", "cjy" }.ToFrozenSet();

    /// <summary>Normalises a province given as its code or Chinese name; null when unknown.</summary>
    public static string? NormaliseProvince(string value)
    {
        var trimmed = value.Trim();
        var code = trimmed.ToLowerInvariant();
        if (Provinces.ContainsKey(code))
        {
            return code;
        }

        return ProvinceByChineseName.TryGetValue(trimmed, out var byName) ? byName : null;
    }

    /// <summary>The lower_snake_case name of a proto enum value without its type prefix: MODALITY_TIME_SERIES -> time_series.</summary>
    public static string EnumName<T>(T value) where T : struct, Enum =>
        EnumName(typeof(T), Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture));

    public static string EnumName(Type enumType, int number) =>
        EnumNames[enumType].TryGetValue(number, out var name) ? name : number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static readonly FrozenDictionary<Type, FrozenDictionary<int, string>> EnumNames =
        V1.CatalogReflection.Descriptor.EnumTypes.ToFrozenDictionary(e => e.ClrType, e =>
        {
            // Every enum starts with <PREFIX>_UNSPECIFIED = 0.
            var prefix = e.FindValueByNumber(0).Name[..^"UNSPECIFIED".Length];
            return e.Values.ToFrozenDictionary(v => v.Number, v => v.Name[prefix.Length..].ToLowerInvariant());
        });
}
