using Platform.Infrastructure.Grpc;
using Platform.Infrastructure.Operations;
using Platform.Trading.Extensions;
using Platform.Trading.Grpc;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseOpenApiPages();
app.UseMalformedRequestRefusal();
app.MapDefaultEndpoints();
app.MapGrpcService<TradingGrpcService>();
app.MapGrpcService<OperationsGrpcService>();

app.Run();

/// <summary>Marker for <c>WebApplicationFactory</c> in the functional tests.</summary>
public partial class Program;
