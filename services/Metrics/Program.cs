using Platform.Infrastructure.Grpc;
using Platform.Infrastructure.Operations;
using Platform.Metrics.Extensions;
using Platform.Metrics.Grpc;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseOpenApiPages();
app.UseMalformedRequestRefusal();
app.UseSeriesCsv();
app.MapDefaultEndpoints();
app.MapGrpcService<MetricsGrpcService>();
app.MapGrpcService<OperationsGrpcService>();

app.Run();

/// <summary>Marker for <c>WebApplicationFactory</c> in the functional tests.</summary>
public partial class Program;
