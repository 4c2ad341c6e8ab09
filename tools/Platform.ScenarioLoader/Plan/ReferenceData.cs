namespace Platform.ScenarioLoader.Plan;

/// <summary>Names the generator draws from, with weights that make the picture plausible.</summary>
internal static class ReferenceData
{
    public static readonly (string Code, double Weight)[] Domains =
    [
        ("industry", 20), ("finance", 14), ("healthcare", 13), ("transport", 11), ("education", 10),
        ("agriculture", 7), ("energy", 7), ("culture", 6), ("government", 6), ("science", 4), ("other", 2),
    ];

    public static readonly (string Code, double Weight)[] Modalities =
    [
        ("text", 30), ("image", 18), ("video", 10), ("audio", 7), ("multimodal", 10), ("tabular", 14), ("time_series", 7), ("geospatial", 4),
    ];

    public static readonly (string Province, double Weight)[] Provinces =
    [
        ("Beijing", 14), ("Shanghai", 12), ("Guangdong", 12), ("Zhejiang", 9), ("Jiangsu", 8), ("Sichuan", 6), ("Anhui", 5),
        ("Hubei", 4), ("Shandong", 4), ("Guizhou", 4), ("Tianjin", 3), ("Hunan", 3), ("Liaoning", 3), ("Hebei", 2),
        ("Shanxi", 2), ("Hainan", 2), ("Fujian", 2), ("Henan", 2), ("Chongqing", 2), ("Shaanxi", 2),
    ];

    /// <summary>The seven national data-annotation bases (FACTS.md H8), by the catalog's codes.</summary>
    public static readonly (string Code, string Province)[] AnnotationBases =
    [
        ("chengdu", "Sichuan"), ("shenyang", "Liaoning"), ("hefei", "Anhui"), ("changsha", "Hunan"),
        ("haikou", "Hainan"), ("baoding", "Hebei"), ("datong", "Shanxi"),
    ];

    public static readonly (string Code, double Weight)[] Exchanges =
    [
        ("BJ", 24), ("SH", 26), ("SZ", 18), ("GY", 12), ("TJ", 10), ("AH", 10),
    ];

    public static readonly string[] PilotExchanges = ["SH", "TJ", "AH"];

    public static readonly Dictionary<string, (string Zh, string En, string[] Keywords)> DomainTopics = new()
    {
        ["healthcare"] = ("医学影像", "medical imaging", ["医学影像", "medical imaging", "CT", "诊断"]),
        ["industry"] = ("工业质检", "industrial inspection", ["工业", "质检", "manufacturing", "defect"]),
        ["finance"] = ("金融风控", "financial risk", ["金融", "风控", "credit", "risk"]),
        ["transport"] = ("交通流量", "traffic flow", ["交通", "轨迹", "traffic", "mobility"]),
        ["education"] = ("教育题库", "education exercises", ["教育", "题库", "education", "K12"]),
        ["agriculture"] = ("农业遥感", "agricultural remote sensing", ["农业", "遥感", "crop", "remote sensing"]),
        ["energy"] = ("电力负荷", "power load", ["电力", "能源", "grid", "load"]),
        ["culture"] = ("古籍文本", "classical texts", ["古籍", "文化", "classical", "corpus"]),
        ["government"] = ("政务服务", "government services", ["政务", "公共服务", "e-government", "public"]),
        ["science"] = ("科学文献", "scientific literature", ["科研", "文献", "science", "papers"]),
        ["other"] = ("综合语料", "general corpus", ["语料", "综合", "general", "corpus"]),
    };

    public static readonly string[] Organisations =
    [
        "国家电网", "中国移动", "上海交通大学", "清华大学", "华为技术", "百度", "阿里云", "腾讯", "中国科学院", "国家气象中心",
        "中国银联", "中国商飞", "协和医院", "华西医院", "国家图书馆", "中国中车", "北汽集团", "新华社", "中国农业科学院", "国家超算中心",
    ];

    public static readonly (string Provider, string[] Models)[] ModelProviders =
    [
        ("baidu", ["ernie-4.5", "ernie-x1"]), ("alibaba", ["qwen3-max", "qwen3-32b"]), ("deepseek", ["deepseek-v3", "deepseek-r1"]),
        ("bytedance", ["doubao-1.6", "doubao-seed"]), ("tencent", ["hunyuan-t1", "hunyuan-turbo"]), ("zhipu", ["glm-4.5"]),
        ("moonshot", ["kimi-k2"]), ("minimax", ["minimax-m1"]), ("iflytek", ["spark-x1"]), ("sensetime", ["sensenova-v6"]),
    ];
}
