using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// Request bodies that are not one well-formed protobuf message, sent as raw HTTP/2 gRPC calls to every method of a
/// service: broken frames (no message, a short header, a frame shorter or longer than its length prefix, an unknown
/// compression flag) and broken protobuf (random bytes, a truncated varint, wire type 7, a length beyond the message,
/// an unmatched end-group, text that is not UTF-8, nesting beyond the parser's limit).
/// </summary>
public static class MalformedBodies
{
    /// <summary>A body and whether it must be INVALID_ARGUMENT (false: only "not UNKNOWN or INTERNAL").</summary>
    public sealed record Case(string Name, byte[] Body, bool InvalidForUnary, bool InvalidForStream);

    public static IReadOnlyList<Case> All { get; } = Build();

    private static List<Case> Build()
    {
        var cases = new List<Case>
        {
            new("no message", [], InvalidForUnary: true, InvalidForStream: false),
            new("3-byte header", [0, 0, 0], true, true),
            new("frame shorter than its prefix", [0, 0, 0, 0, 10, 8, 1, 8], true, true),
            new("data after the message", [0, 0, 0, 0, 0, 7, 7], true, true),
            new("compression flag 2", [2, 0, 0, 0, 1, 0], true, true),
            new("compressed without an encoding", [1, 0, 0, 0, 1, 0], true, true),
        };

        var payloads = new (string Name, byte[] Payload)[]
        {
            ("truncated varint", [0x08, 0xff, 0xff]),
            ("wire type 7", [0x0f, 0x01]),
            ("wire type 6", [0x0e]),
            ("field number 0", [0x00, 0x01]),
            ("length beyond the message", [0x0a, 0x40, 0x61]),
            ("negative length", [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]),
            ("unmatched end-group", [0x0c]),
            ("unterminated group", [0x0b, 0x08, 0x01]),
            ("varint of 11 bytes", [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
            ("truncated fixed64", [0x09, 0x01, 0x02]),
            ("truncated fixed32", [0x0d, 0x01]),
            ("groups nested beyond the limit", [.. Enumerable.Repeat((byte)0x0b, 120), .. Enumerable.Repeat((byte)0x0c, 120)]),
        };
        cases.AddRange(payloads.Select(p => new Case(p.Name, Frame(p.Payload), true, true)));

        // Text that is not UTF-8 in each of the first string fields breaks only where the field is a string: valid elsewhere.
        for (var field = 1; field <= 6; field++)
        {
            cases.Add(new Case($"invalid UTF-8 in field {field}", Frame([(byte)(field << 3 | 2), 2, 0xc3, 0x28]), false, false));
        }

        var random = new Random(21);
        for (var i = 0; i < 12; i++)
        {
            var bytes = new byte[random.Next(1, 200)];
            random.NextBytes(bytes);
            cases.Add(new Case($"random payload {i} ({bytes.Length} bytes)", Frame(bytes), false, false));
            cases.Add(new Case($"random body {i} ({bytes.Length} bytes)", bytes, false, false));
        }

        return cases;
    }

    /// <summary>A gRPC message frame: uncompressed, a 4-byte big-endian length, the payload.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(5));
        return frame;
    }

    /// <summary>Sends <paramref name="body"/> as the whole request of <paramref name="path"/> and returns the gRPC status.</summary>
    public static async Task<(StatusCode Code, string Message)> CallAsync(
        HttpMessageInvoker http, Uri baseAddress, string path, byte[] body, string contentType = "application/grpc")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        using var response = await http.SendAsync(request, CancellationToken.None);
        if (Header(response.Headers, "grpc-status") is null)
        {
            // A server stream that accepted its request stays open: its first seconds are enough to see it did.
            using var open = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await response.Content.ReadAsByteArrayAsync(open.Token);
            }
            catch (OperationCanceledException) when (open.IsCancellationRequested)
            {
                return (StatusCode.OK, "the stream stayed open");
            }
        }

        var status = Header(response.TrailingHeaders, "grpc-status") ?? Header(response.Headers, "grpc-status");
        var message = Header(response.TrailingHeaders, "grpc-message") ?? Header(response.Headers, "grpc-message") ?? "";
        Assert.True(status is not null, $"{path}: HTTP {(int)response.StatusCode} without a grpc-status");
        return ((StatusCode)int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), Uri.UnescapeDataString(message));
    }

    /// <summary>
    /// Sends every case to every method of <paramref name="service"/> and asserts each answer: INVALID_ARGUMENT where the
    /// body cannot be read, and never UNKNOWN or INTERNAL. Every failure is listed, not only the first.
    /// </summary>
    public static async Task AssertRefusedAsync(HttpMessageInvoker http, Uri baseAddress, ServiceDescriptor service)
    {
        var failures = new List<string>();
        var calls = 0;
        foreach (var method in service.Methods)
        {
            var streamed = method.IsClientStreaming;
            // gRPC reads every application/grpc subtype as protobuf, so each is refused alike.
            foreach (var (@case, contentType) in All.Select(c => (c, "application/grpc"))
                         .Concat(All.Take(12).Select(c => (c, "application/grpc+json")))
                         .Concat(All.Take(6).Select(c => (c, "application/grpc+proto; charset=utf-8")))
                         .Concat(All.Take(3).Select(c => (c, "application/json")))
                         .Concat(All.Take(3).Select(c => (c, "text/plain"))))
            {
                var (code, message) = await CallAsync(http, baseAddress, $"/{service.FullName}/{method.Name}", @case.Body, contentType);
                calls++;
                var mustBeInvalid = (streamed ? @case.InvalidForStream : @case.InvalidForUnary) || !contentType.StartsWith("application/grpc", StringComparison.Ordinal);
                if (code is StatusCode.Unknown or StatusCode.Internal || (mustBeInvalid && code != StatusCode.InvalidArgument))
                {
                    failures.Add($"{method.Name}, {@case.Name} ({contentType}): {code} \"{message}\"");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {calls} malformed calls answered imprecisely:\n" + string.Join("\n", failures));
    }

    private static string? Header(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
