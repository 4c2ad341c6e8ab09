using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.Core;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// A table of adversarial requests kept as data (<c>Corpus/*.json</c> beside each service's tests): per case the
/// method, the caller's role, the request in protobuf JSON, the expected status and, for INVALID_ARGUMENT, the field the
/// answer must name. <see cref="RunAsync"/> sends each through a generic client and lists every case answered otherwise.
/// </summary>
public static class AdversarialCorpus
{
    public sealed record Case(string Name, string Method, string Role, JsonElement Request, string Status, string? Field);

    /// <summary>The roles a case may call as, each a token as the token service would issue it (anonymous: none).</summary>
    public static string? TokenOf(string role) => role switch
    {
        "anonymous" => null,
        "admin" => TestTokens.Admin,
        "provider" => TestTokens.Mint("corpus-provider", ["provider"], organisation: "语料测试机构"),
        "certifier" => TestTokens.Mint("corpus-certifier", ["certifier"]),
        "reader" => TestTokens.Mint("corpus-reader", ["reader"]),
        "exchange" => TestTokens.Mint("corpus-exchange", ["exchange"], exchange: "BJ"),
        "reporter" => TestTokens.Mint("corpus-reporter", ["reporter"]),
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "not a corpus role"),
    };

    public static IReadOnlyList<Case> Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, path)));
        return document.RootElement.EnumerateArray().Select(c => new Case(
            c.GetProperty("name").GetString()!,
            c.GetProperty("method").GetString()!,
            c.GetProperty("role").GetString()!,
            c.GetProperty("request").Clone(),
            c.GetProperty("status").GetString()!,
            c.TryGetProperty("field", out var field) ? field.GetString() : null)).ToList();
    }

    /// <summary>
    /// Runs every case against <paramref name="service"/>, calling through <paramref name="invokerFor"/> (by token). A request
    /// may name records the test prepared by placeholder (<c>"$draft"</c>), replaced from <paramref name="records"/>.
    /// </summary>
    public static async Task RunAsync(
        IReadOnlyList<Case> cases, ServiceDescriptor service, Func<string?, CallInvoker> invokerFor, IReadOnlyDictionary<string, string>? records = null)
    {
        var invokers = new Dictionary<string, CallInvoker>();
        var failures = new List<string>();
        foreach (var @case in cases)
        {
            var method = service.FindMethodByName(@case.Method) ?? throw new InvalidOperationException($"{@case.Name}: no method {@case.Method}");
            if (!invokers.TryGetValue(@case.Role, out var invoker))
            {
                invokers[@case.Role] = invoker = invokerFor(TokenOf(@case.Role));
            }

            var json = @case.Request.GetRawText();
            foreach (var (placeholder, id) in records ?? new Dictionary<string, string>())
            {
                json = json.Replace($"\"{placeholder}\"", $"\"{id}\"", StringComparison.Ordinal);
            }

            var request = JsonParser.Default.Parse(json, method.InputType);
            var (code, error) = await DynamicGrpc.CallAsync(invoker, method, request);
            var expected = Enum.Parse<StatusCode>(@case.Status.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);
            var fields = error?.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.Select(v => v.Field).ToList() ?? [];
            if (code != expected || (@case.Field is { } field && !fields.Contains(field)))
            {
                failures.Add($"{@case.Name} ({@case.Method} as {@case.Role}): expected {@case.Status}{(@case.Field is null ? "" : " on " + @case.Field)}, "
                             + $"got {code} [{string.Join(", ", fields)}] \"{error?.Status.Detail}\"");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} corpus cases answered otherwise:\n" + string.Join("\n", failures));
    }
}

/// <summary>Calls any method of a service with any message, by its descriptor: unary, client-streaming (one message) or server-streaming (the first answer).</summary>
public static class DynamicGrpc
{
    public static async Task<(StatusCode Code, RpcException? Error)> CallAsync(CallInvoker invoker, MethodDescriptor method, IMessage request)
    {
        var call = new Method<IMessage, IMessage>(
            method.IsClientStreaming ? method.IsServerStreaming ? MethodType.DuplexStreaming : MethodType.ClientStreaming
                : method.IsServerStreaming ? MethodType.ServerStreaming : MethodType.Unary,
            method.Service.FullName,
            method.Name,
            Marshallers.Create<IMessage>(m => m.ToByteArray(), b => method.InputType.Parser.ParseFrom(b)),
            Marshallers.Create<IMessage>(m => m.ToByteArray(), b => method.OutputType.Parser.ParseFrom(b)));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var options = new CallOptions(cancellationToken: timeout.Token);
        try
        {
            switch (call.Type)
            {
                case MethodType.Unary:
                    await invoker.AsyncUnaryCall(call, null, options, request);
                    break;
                case MethodType.ClientStreaming:
                    using (var stream = invoker.AsyncClientStreamingCall(call, null, options))
                    {
                        try
                        {
                            await stream.RequestStream.WriteAsync(request);
                            await stream.RequestStream.CompleteAsync();
                        }
                        catch (Exception ex) when (ex is RpcException or InvalidOperationException)
                        {
                            // The server answered before reading the stream (a refused caller): its status is the answer.
                        }

                        await stream.ResponseAsync;
                    }

                    break;
                default:
                    using (var stream = invoker.AsyncServerStreamingCall(call, null, options, request))
                    {
                        await stream.ResponseStream.MoveNext(timeout.Token);
                    }

                    break;
            }

            return (StatusCode.OK, null);
        }
        catch (RpcException ex)
        {
            return (ex.StatusCode, ex);
        }
    }
}
