using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Reflection;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Platform.Infrastructure.Grpc;

/// <summary>
/// Answers a request body that is not one well-formed gRPC message of the method's request type with
/// INVALID_ARGUMENT, the one place all services share. gRPC for ASP.NET Core reads and parses the request before
/// any interceptor runs and answers what it cannot read as UNKNOWN (bytes that are not protobuf: random bytes, a
/// truncated varint, wire type 7, a length beyond the message, text that is not UTF-8) or INTERNAL (a frame shorter
/// than its length prefix, data after the message, no message at all). Runs after authentication and authorisation,
/// so a caller without the right still learns only that; the body is buffered by the request pipe (no copy) and read
/// again by gRPC. Client-streaming methods carry many messages and are checked message by message by
/// <see cref="MalformedStreamInterceptor"/>.
/// </summary>
public sealed class MalformedRequestMiddleware(RequestDelegate next, IOptions<GrpcServiceOptions> options)
{
    private const int HeaderSize = 5;

    private static readonly ConcurrentDictionary<Type, MessageParser?> Parsers = new();

    private readonly int _maxMessageBytes = options.Value.MaxReceiveMessageSize ?? 4 * 1024 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        // A JSON route (gRPC JSON transcoding) reads and answers JSON itself: a malformed body is its 400 INVALID_ARGUMENT.
        if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is not { } grpc || context.IsJsonRoute())
        {
            await next(context);
            return;
        }

        if (HttpMethods.IsPost(context.Request.Method) && !IsGrpc(context.Request.ContentType))
        {
            // gRPC for ASP.NET Core answers HTTP 415 with grpc-status INTERNAL: the request is the caller's mistake.
            Refuse(context, StatusCodes.Status415UnsupportedMediaType,
                $"Content-Type '{context.Request.ContentType}' is not supported: a gRPC call is sent as application/grpc.");
            return;
        }

        if (grpc.Method.Type is not (MethodType.Unary or MethodType.ServerStreaming)
            || !IsGrpcProtobuf(context.Request.ContentType)
            || ParserOf(grpc.Method) is not { } parser)
        {
            await next(context);
            return;
        }

        var body = context.Request.BodyReader;
        ReadResult read;
        while (true)
        {
            read = await body.ReadAsync(context.RequestAborted);

            // A header that is wrong already (an unknown flag, or a length gRPC refuses as RESOURCE_EXHAUSTED) ends the wait.
            if (read.IsCompleted || (read.Buffer.Length >= HeaderSize && (read.Buffer.FirstSpan[0] > 1 || DeclaredLength(read.Buffer) > _maxMessageBytes)))
            {
                break;
            }

            // Examined to the end, consumed nothing: the next read waits for more, and gRPC later reads it all again.
            body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }

        var problem = read.IsCompleted || read.Buffer.FirstSpan[0] > 1
            ? Problem(read.Buffer, parser, context.Request.Headers["grpc-encoding"].ToString())
            : null;
        body.AdvanceTo(read.Buffer.Start);
        if (problem is null)
        {
            await next(context);
            return;
        }

        Refuse(context, StatusCodes.Status200OK, problem);
    }

    /// <summary>A trailers-only gRPC answer: INVALID_ARGUMENT with <paramref name="message"/>.</summary>
    private static void Refuse(HttpContext context, int httpStatus, string message)
    {
        var response = context.Response;
        response.StatusCode = httpStatus;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)StatusCode.InvalidArgument).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(message);
    }

    /// <summary>What is wrong with a complete request body, or null when it is one message gRPC can read.</summary>
    internal static string? Problem(ReadOnlySequence<byte> body, MessageParser parser, string encoding)
    {
        if (body.Length == 0)
        {
            return "The request carries no message.";
        }

        if (body.Length < HeaderSize)
        {
            return "The request's message frame is truncated (shorter than its 5-byte header).";
        }

        var flag = body.FirstSpan[0];
        if (flag > 1)
        {
            return $"The request's message frame has compression flag {flag}; only 0 and 1 exist.";
        }

        var declared = DeclaredLength(body);
        var actual = body.Length - HeaderSize;
        if (actual < declared)
        {
            return $"The request's message frame is truncated: {actual} of the {declared} bytes its header announces.";
        }

        if (actual > declared)
        {
            return $"The request carries {actual - declared} bytes after its message.";
        }

        var payload = body.Slice(HeaderSize);
        if (flag == 1)
        {
            if (encoding.Length == 0 || string.Equals(encoding, "identity", StringComparison.Ordinal))
            {
                return $"The request's message is marked compressed but its grpc-encoding is '{encoding}'.";
            }

            // Only gzip is decompressed by the services; any other encoding is left to gRPC, which names what it supports.
            if (!string.Equals(encoding, "gzip", StringComparison.Ordinal))
            {
                return null;
            }

            if (Gunzip(payload) is not { } plain)
            {
                return "The request's message is marked gzip-compressed but is not valid gzip data.";
            }

            payload = new ReadOnlySequence<byte>(plain);
        }

        try
        {
            parser.ParseFrom(payload);
            return null;
        }
        catch (InvalidProtocolBufferException ex)
        {
            return $"The request is not a valid protobuf message: {ex.Message}";
        }
    }

    private static long DeclaredLength(ReadOnlySequence<byte> buffer)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        return BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
    }

    private static byte[]? Gunzip(ReadOnlySequence<byte> payload)
    {
        try
        {
            using var gzip = new GZipStream(new MemoryStream(payload.ToArray()), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            gzip.CopyTo(plain);
            return plain.ToArray();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>A gRPC content type of any kind (gRPC-Web included, which gRPC itself answers).</summary>
    private static bool IsGrpc(string? contentType) =>
        contentType is not null && contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Every content type gRPC for ASP.NET Core reads as protobuf: <c>application/grpc</c> with any subtype or parameters
    /// (it ignores them: <c>application/grpc+json</c> is parsed as protobuf too), but not gRPC-Web, which it does not serve here.
    /// </summary>
    private static bool IsGrpcProtobuf(string? contentType) =>
        contentType is not null
        && contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase)
        && !contentType.StartsWith("application/grpc-web", StringComparison.OrdinalIgnoreCase);

    /// <summary>The protobuf parser of the method's request type (the generated static <c>Parser</c>), or null.</summary>
    private static MessageParser? ParserOf(IMethod method) =>
        Parsers.GetOrAdd(method.GetType(), static type =>
            type.IsGenericType && type.GetGenericArguments()[0] is var request && typeof(IMessage).IsAssignableFrom(request)
                ? request.GetProperty("Parser", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as MessageParser
                : null);
}

/// <summary>
/// The client-streaming half of <see cref="MalformedRequestMiddleware"/>: a message of the stream that is not valid
/// protobuf, or a stream that ends inside a message, is INVALID_ARGUMENT instead of UNKNOWN or INTERNAL. What the
/// handler stored from earlier messages stays stored, as its own validation errors say.
/// </summary>
public sealed class MalformedStreamInterceptor : Interceptor
{
    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(new Reader<TRequest>(requestStream), context);

    private sealed class Reader<T>(IAsyncStreamReader<T> inner) : IAsyncStreamReader<T>
    {
        private long _read;

        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            try
            {
                var more = await inner.MoveNext(cancellationToken);
                _read += more ? 1 : 0;
                return more;
            }
            catch (InvalidProtocolBufferException ex)
            {
                throw Invalid($"Message {_read} of the stream is not a valid protobuf message: {ex.Message}");
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Internal)
            {
                // grpc-dotnet's reader: "Incomplete message." when the stream ends inside a frame.
                throw Invalid($"Message {_read} of the stream is truncated ({ex.Status.Detail})");
            }
            catch (InvalidDataException ex)
            {
                throw Invalid($"Message {_read} of the stream has an invalid frame ({ex.Message})");
            }
        }

        private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
    }
}

public static class MalformedRequestExtensions
{
    /// <summary>
    /// Answers malformed gRPC request bodies with INVALID_ARGUMENT (<see cref="MalformedRequestMiddleware"/>); placed
    /// after authentication and authorisation, which a minimal host runs before the application's own middleware.
    /// </summary>
    public static IApplicationBuilder UseMalformedRequestRefusal(this IApplicationBuilder app) =>
        app.UseMiddleware<MalformedRequestMiddleware>();
}
