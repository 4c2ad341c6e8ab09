using System.Globalization;
using System.Text;
using Google.Protobuf;
using Microsoft.Net.Http.Headers;
using Platform.Metrics.V1;

namespace Platform.Metrics.Grpc;

/// <summary>
/// <c>GET /v1/indicatorSeries</c> with <c>Accept: text/csv</c> answers the series as CSV, one row per period, as
/// statistics users load it into a spreadsheet or R. The JSON route answers first (same validation, access and
/// statuses); a successful answer is then rewritten as CSV, an error stays the JSON <c>google.rpc.Status</c>.
/// </summary>
internal static class SeriesCsv
{
    public const string Route = "/v1/indicatorSeries";
    public const string MediaType = "text/csv";

    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public static IApplicationBuilder UseSeriesCsv(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (!HttpMethods.IsGet(context.Request.Method) || context.Request.Path != Route || !AcceptsCsv(context.Request))
            {
                await next(context);
                return;
            }

            var original = context.Response.Body;
            await using var json = new MemoryStream();
            context.Response.Body = json;
            try
            {
                await next(context);
            }
            finally
            {
                context.Response.Body = original;
            }

            context.Response.Headers.Vary = HeaderNames.Accept;
            if (context.Response.StatusCode != StatusCodes.Status200OK)
            {
                json.Position = 0;
                await json.CopyToAsync(original, context.RequestAborted);
                return;
            }

            var series = Parser.Parse<IndicatorSeries>(Encoding.UTF8.GetString(json.GetBuffer(), 0, (int)json.Length));
            var csv = Encoding.UTF8.GetBytes(Format(series));
            context.Response.ContentType = $"{MediaType}; charset=utf-8; header=present";
            context.Response.ContentLength = csv.Length;
            await original.WriteAsync(csv, context.RequestAborted);
        });

    /// <summary>
    /// RFC 4180: a header row, then one row per period (CRLF line ends). <c>value</c> is the exact total in decimal
    /// digits (it may exceed int64); <c>unit</c> and <c>as_of</c> repeat on every row so that a row read alone says what it is.
    /// </summary>
    public static string Format(IndicatorSeries series)
    {
        var csv = new StringBuilder("indicator,granularity,period_start,value,unit,record_count,as_of\r\n");
        var indicator = ProtoName(IndicatorSeries.IndicatorFieldNumber, (int)series.Indicator);
        var granularity = ProtoName(IndicatorSeries.GranularityFieldNumber, (int)series.Granularity);
        var asOf = series.AsOf?.ToDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? string.Empty;
        foreach (var point in series.Points)
        {
            var value = point.ValueExact is { Value.Length: > 0 } exact ? exact.Value : point.Value.ToString(CultureInfo.InvariantCulture);
            csv.Append(CultureInfo.InvariantCulture,
                $"{indicator},{granularity},{point.PeriodStart},{value},{Quoted(series.Unit)},{point.RecordCount},{asOf}\r\n");
        }

        return csv.ToString();
    }

    /// <summary>An enum value as the proto names it (INDICATOR_H6_DAILY_TOKENS), as the JSON route answers it.</summary>
    private static string ProtoName(int field, int number) =>
        IndicatorSeries.Descriptor.FindFieldByNumber(field).EnumType.FindValueByNumber(number)?.Name ?? number.ToString(CultureInfo.InvariantCulture);

    private static bool AcceptsCsv(HttpRequest request) =>
        MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)
        && accepted.Any(a => a.MediaType.Equals(MediaType, StringComparison.OrdinalIgnoreCase) && a.Quality is not 0);

    private static string Quoted(string text) =>
        text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;
}
