using System.IO.Hashing;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Platform.Infrastructure.Grpc;
using Platform.Metrics.Computation;
using Platform.Metrics.Data;
using Platform.Metrics.V1;

namespace Platform.Metrics.Indicators;

/// <summary>
/// One computed headline in both views (<see cref="HeadlineView"/>), each serialised once when the snapshot is built
/// and sent as those bytes by <see cref="Grpc.HeadlineBinding"/>, and a fingerprint of its figures (not of its computation
/// time) that tells watchers whether anything changed.
/// </summary>
internal sealed class HeadlineSnapshot
{
    public HeadlineSnapshot(HeadlineIndicators full, ulong fingerprint)
    {
        Full = full;
        Basic = full.Clone();
        Basic.H2CertifiedVolume?.ByDomain.Clear();
        Basic.H2CertifiedVolume?.ByModality.Clear();
        Basic.H2CertifiedVolume?.ByAnnotationBase.Clear();
        Basic.H7ChineseTrainingShare?.Models.Clear();
        Basic.H8AnnotationBases?.Bases.Clear();
        Basic.H9EvaluationUplift?.Groups.Clear();
        FullBytes = new SerializedHeadline(full.ToByteArray());
        BasicBytes = new SerializedHeadline(Basic.ToByteArray());
        Fingerprint = fingerprint;
    }

    public HeadlineIndicators Full { get; }

    public HeadlineIndicators Basic { get; }

    public SerializedHeadline FullBytes { get; }

    public SerializedHeadline BasicBytes { get; }

    public ulong Fingerprint { get; }

    /// <summary>The message of <paramref name="view"/> (validated by the caller: BASIC when unspecified).</summary>
    public HeadlineIndicators Message(HeadlineView view) => view == HeadlineView.Full ? Full : Basic;

    public SerializedHeadline Bytes(HeadlineView view) => view == HeadlineView.Full ? FullBytes : BasicBytes;
}

/// <summary>The serialised form of a <see cref="HeadlineIndicators"/> message.</summary>
internal sealed class SerializedHeadline(byte[] bytes)
{
    public byte[] Bytes { get; } = bytes;
}

/// <summary>Turns computed figures into the public messages.</summary>
internal static class IndicatorMessages
{
    private static readonly string[] DatasetKinds = ["DatasetCertified", "DatasetUpdated", "DatasetRetired"];
    private static readonly string[] TradeKinds = ["TradeSettled"];
    private static readonly string[] ListingKinds = ["ListingCreated", "ListingDelisted"];
    private static readonly string[] TokenKinds = ["TokenUsageReport"];
    private static readonly string[] CorpusKinds = ["TrainingCorpusReport"];
    private static readonly string[] BaseKinds = ["AnnotationBase", "DatasetCertified", "DatasetRetired"];
    private static readonly string[] EvaluationKinds = ["EvaluationRecorded"];

    public static HeadlineSnapshot ToSnapshot(HeadlineData data)
    {
        var fingerprint = XxHash64.HashToUInt64(JsonSerializer.SerializeToUtf8Bytes(data with { ComputedAt = default }, CacheJsonContext.Default.HeadlineData));
        return new HeadlineSnapshot(ToMessage(data), fingerprint);
    }

    public static HeadlineIndicators ToMessage(HeadlineData data)
    {
        var asOf = Timestamp.FromDateTimeOffset(data.ComputedAt);
        var summary = Calculations.SummariseChineseShare(data.Models.Select(m => (m.Provider, m.Model, m.TotalTokens, m.ChineseTokens)).ToList());
        var corpusAsOf = data.Models.Count == 0 ? asOf : Timestamp.FromDateTimeOffset(data.Models.Max(m => m.AsOf));
        var message = new HeadlineIndicators
        {
            AsOf = asOf,
            H1CertifiedDatasets = Measure(data.CertifiedCount, "dataset", asOf, data.CertifiedCount, DatasetKinds),
            H2CertifiedVolume = new CertifiedVolume
            {
                Total = Measure(data.CertifiedBytes, "byte", asOf, data.CertifiedCount, DatasetKinds),
                ByDomain = { data.ByDomain.Select(ToMessage) },
                ByModality = { data.ByModality.Select(ToMessage) },
                ByAnnotationBase = { data.ByBase.Select(ToMessage) },
            },
            H3HighQualityTradeAmount = Measure(data.HighQualityAmountFen, "fen", asOf, data.HighQualityTradeCount, TradeKinds),
            H4ListedVolume = Measure(data.ListedBytes, "byte", asOf, data.ListedCount, ListingKinds),
            H5ExchangeShares = ToMessage(data.ExchangeYears, data.ComputedAt),
            H6DailyTokens = new DailyTokens
            {
                Day = data.LatestFullDay is { } day ? Calculations.Format(day) : string.Empty,
                Tokens = Measure(
                    data.LatestDayTokens,
                    "token",
                    data.LatestFullDay is { } end ? Timestamp.FromDateTimeOffset(Calculations.StartOf(end.AddDays(1))) : asOf,
                    data.LatestDayReports,
                    TokenKinds),
            },
            H7ChineseTrainingShare = new ChineseTrainingShare
            {
                Models = { data.Models.Select(ToMessage) },
                ModelsAboveThreshold = Measure(summary.ModelsAboveThreshold, "model", corpusAsOf, data.Models.Count, CorpusKinds),
                Threshold = ToMessage(Calculations.Share(Calculations.ChineseShareThresholdBasisPoints, 10_000)),
                Maximum = summary.Maximum is null ? null : ToMessage(summary.Maximum),
                MaximumModel = summary.MaximumModel,
                ModelCount = data.Models.Count,
            },
            H8AnnotationBases = new AnnotationBases
            {
                BaseCount = Measure(data.Bases.Count, "base", asOf, data.Bases.Count + data.Bases.Sum(b => b.DatasetCount), BaseKinds),
                Bases =
                {
                    data.Bases.Select(b => new AnnotationBase
                    {
                        Code = b.Code,
                        Name = b.Name,
                        City = b.City,
                        Province = b.Province,
                        DatasetCount = b.DatasetCount,
                        VolumeBytes = Totals.Saturated(b.VolumeBytes),
                        VolumeBytesExact = Totals.Exact(b.VolumeBytes),
                    }),
                },
            },
            H9EvaluationUplift = ToMessage(data.Uplifts ?? [], asOf),
        };
        return message;
    }

    /// <summary>H9: every group, and the article's (annotated healthcare imaging) on its own.</summary>
    private static EvaluationUplifts ToMessage(List<UpliftData> uplifts, Timestamp asOf)
    {
        var groups = uplifts.Select(u => new EvaluationUplift
        {
            Domain = u.Domain,
            Modality = u.Modality,
            Annotated = u.Annotated,
            EvaluationCount = u.EvaluationCount,
            DatasetCount = u.DatasetCount,
            MedianUplift = ToMessage(Calculations.Percent(u.MedianBp)),
            P10Uplift = ToMessage(Calculations.Percent(u.P10Bp)),
            P90Uplift = ToMessage(Calculations.Percent(u.P90Bp)),
            DatasetsAboveThreshold = ToMessage(Calculations.Share(u.DatasetsAboveThreshold, u.DatasetCount)),
        }).ToList();
        var evaluations = uplifts.Sum(u => u.EvaluationCount);
        return new EvaluationUplifts
        {
            HealthcareImagingAnnotated = groups.SingleOrDefault(g => g is { Domain: "healthcare", Modality: "image", Annotated: true }),
            Groups = { groups },
            Threshold = ToMessage(Calculations.Share(Calculations.UpliftThresholdBasisPoints, 10_000)),
            EvaluationCount = evaluations,
            AsOf = asOf,
            Provenance = Provenance(evaluations, EvaluationKinds),
        };
    }

    public static ExchangeShares ToMessage(List<ExchangeYearData> years, DateTimeOffset computedAt) => new()
    {
        Shares = { years.Select(ToMessage) },
        AsOf = Timestamp.FromDateTimeOffset(computedAt),
        Provenance = Provenance(years.Sum(y => y.TradeCount), TradeKinds),
    };

    public static ExchangeShareSeries ToSeries(ExchangeShareData data) => new()
    {
        Shares = { data.Years.Select(ToMessage) },
        AsOf = Timestamp.FromDateTimeOffset(data.ComputedAt),
        Provenance = Provenance(data.Years.Sum(y => y.TradeCount), TradeKinds),
    };

    public static IndicatorSeries ToMessage(SeriesData data)
    {
        var indicator = (Indicator)data.Indicator;
        var series = new IndicatorSeries
        {
            Indicator = indicator,
            Granularity = (Granularity)data.Granularity,
            Unit = data.Unit,
            Points =
            {
                data.Points.Select(p => new SeriesPoint
                {
                    PeriodStart = Calculations.Format(p.PeriodStart),
                    Value = Totals.Saturated(p.Value),
                    ValueExact = Totals.Exact(p.Value),
                    RecordCount = p.RecordCount,
                }),
            },
            AsOf = Timestamp.FromDateTimeOffset(data.ComputedAt),
            Provenance = Provenance(data.RecordCount, indicator switch
            {
                Indicator.H1CertifiedDatasets or Indicator.H2CertifiedVolume => DatasetKinds,
                Indicator.H3HighQualityTradeAmount => TradeKinds,
                Indicator.H4ListedVolume => ListingKinds,
                _ => TokenKinds,
            }),
        };
        if (data.Points.Count > 0)
        {
            var first = data.Points[0];
            var last = data.Points[^1];
            series.Growth = new Growth
            {
                FromPeriod = Calculations.Format(first.PeriodStart),
                FromValue = Totals.Saturated(first.Value),
                FromValueExact = Totals.Exact(first.Value),
                ToPeriod = Calculations.Format(last.PeriodStart),
                ToValue = Totals.Saturated(last.Value),
                ToValueExact = Totals.Exact(last.Value),
                Multiple = Calculations.Multiple(last.Value, first.Value) is { } multiple ? ToMessage(multiple) : null,
            };
        }

        return series;
    }

    public static ModelChineseShare ToMessage(ModelCorpusData m) => new()
    {
        Provider = m.Provider,
        Model = m.Model,
        TotalTokens = m.TotalTokens,
        ChineseTokens = m.ChineseTokens,
        ChineseShare = ToMessage(Calculations.Share(m.ChineseTokens, m.TotalTokens)),
        AsOf = Timestamp.FromDateTimeOffset(m.AsOf),
    };

    private static ExchangeYearShare ToMessage(ExchangeYearData y) => new()
    {
        ExchangeCode = y.ExchangeCode,
        Year = y.Year,
        HighQualityAmountFen = Totals.Saturated(y.HighQualityAmountFen),
        HighQualityAmountFenExact = Totals.Exact(y.HighQualityAmountFen),
        TotalAmountFen = Totals.Saturated(y.TotalAmountFen),
        TotalAmountFenExact = Totals.Exact(y.TotalAmountFen),
        Share = ToMessage(Calculations.Share(y.HighQualityAmountFen, y.TotalAmountFen)),
        TradeCount = y.TradeCount,
        HighQualityTradeCount = y.HighQualityTradeCount,
    };

    private static Breakdown ToMessage(BreakdownData b) => new()
    {
        Key = b.Key,
        DatasetCount = b.DatasetCount,
        VolumeBytes = Totals.Saturated(b.VolumeBytes),
        VolumeBytesExact = Totals.Exact(b.VolumeBytes),
    };

    private static Ratio ToMessage(RatioValue r) => new() { BasisPoints = r.BasisPoints, Value = r.Value, Unit = r.Unit };

    private static Measure Measure(decimal value, string unit, Timestamp asOf, long recordCount, string[] kinds) => new()
    {
        Value = Totals.Saturated(value),
        ValueExact = Totals.Exact(value),
        Unit = unit,
        AsOf = asOf,
        Provenance = Provenance(recordCount, kinds),
    };

    private static Provenance Provenance(long recordCount, string[] kinds) => new() { RecordCount = recordCount, RecordKinds = { kinds } };
}
