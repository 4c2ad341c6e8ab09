using Platform.Identity;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddTokenServer();
// Only for grpc.health.v1, which the defaults map beside /health.
builder.Services.AddGrpc();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();

/// <summary>Marker for <c>WebApplicationFactory</c> in the tests.</summary>
public partial class Program;
