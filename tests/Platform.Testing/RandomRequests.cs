using System.Collections;
using CsCheck;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// Random requests of the right shape for any method (CsCheck): every field of the method's request type present or
/// not, numbers from the edges of their range, strings from the values the services give meaning to and from those
/// that break things (empty, blank, NUL, over-long, not a UUID), enums in and out of range, nested messages and lists.
/// </summary>
public static class RandomRequests
{
    private static readonly Gen<long> Int64 = Gen.OneOf(
        Gen.Const(0L), Gen.Const(1L), Gen.Const(-1L), Gen.Const(long.MaxValue), Gen.Const(long.MinValue),
        Gen.Const(1_000_000_000_000_000_000L), Gen.Const(1_000_000_000_000_001L), Gen.Const(10_000_000_000_000L), Gen.Long[-1_000, 1_000_000]);

    private static readonly Gen<int> Int32 = Gen.OneOf(
        Gen.Const(0), Gen.Const(1), Gen.Const(-1), Gen.Const(int.MaxValue), Gen.Const(int.MinValue), Gen.Const(10_000), Gen.Const(10_001),
        Gen.Int[1999, 2101], Gen.Int[-5, 1_100]);

    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.Const(""), Gen.Const(" "), Gen.Const("a\0b"), Gen.Const(new string('x', 5_000)), Gen.Const("not-a-uuid"), Gen.Const("BJ"), Gen.Const("bj"),
        Gen.Const("SH"), Gen.Const("zh"), Gen.Const("chengdu"), Gen.Const("sichuan"), Gen.Const("语料测试机构"), Gen.Const("2025-01-01"), Gen.Const("2999-12-31"),
        Gen.Const("loadtest"), Gen.Const("edition"), Gen.Const("volume_bytes"), Gen.Guid.Select(g => g.ToString()), Gen.String[0, 40]);

    /// <summary>A request for <paramref name="method"/>.</summary>
    public static Gen<IMessage> For(MethodDescriptor method) => Message(method.InputType, depth: 0);

    private static Gen<IMessage> Message(MessageDescriptor descriptor, int depth)
    {
        if (descriptor.FullName == Timestamp.Descriptor.FullName)
        {
            // Any instant a Timestamp can hold: years 0001–9999, nanoseconds in range.
            return Gen.Select(Gen.Long[-62_135_596_800L, 253_402_300_799L], Gen.Int[0, 999_999_999], (s, n) => (IMessage)new Timestamp { Seconds = s, Nanos = n });
        }

        if (descriptor.FullName == FieldMask.Descriptor.FullName)
        {
            return Gen.OneOf(Gen.Const("edition"), Gen.Const("volume_bytes"), Gen.Const("status"), Gen.Const("name"), Gen.Const("provider.organisation"), Text)
                .Array[0, 3].Select(paths => (IMessage)new FieldMask { Paths = { paths } });
        }

        var fields = descriptor.Fields.InDeclarationOrder().Where(f => !f.IsMap && (f.FieldType != FieldType.Message || depth < 3)).ToList();
        return Gen.Bool.Array[fields.Count].SelectMany(present =>
        {
            var chosen = fields.Where((_, i) => present[i]).ToList();
            return All(chosen.Select(f => Field(f, depth))).Select(values =>
            {
                var message = descriptor.Parser.ParseFrom(ByteString.Empty);
                for (var i = 0; i < chosen.Count; i++)
                {
                    var field = chosen[i];
                    if (field.IsRepeated)
                    {
                        var list = (IList)field.Accessor.GetValue(message);
                        foreach (var item in (object[])values[i])
                        {
                            list.Add(item);
                        }
                    }
                    else
                    {
                        field.Accessor.SetValue(message, values[i]);
                    }
                }

                return message;
            });
        });
    }

    private static Gen<object[]> All(IEnumerable<Gen<object>> gens) =>
        gens.Aggregate(Gen.Const(Array.Empty<object>()), (all, next) => all.SelectMany(values => next.Select(value => (object[])[.. values, value])));

    private static Gen<object> Field(FieldDescriptor field, int depth)
    {
        var single = Value(field, depth);
        return field.IsRepeated ? single.Array[0, 4].Select(items => (object)items) : single;
    }

    private static Gen<object> Value(FieldDescriptor field, int depth) => field.FieldType switch
    {
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => Int64.Select(v => (object)v),
        FieldType.UInt64 or FieldType.Fixed64 => Int64.Select(v => (object)unchecked((ulong)v)),
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => Int32.Select(v => (object)v),
        FieldType.UInt32 or FieldType.Fixed32 => Int32.Select(v => (object)unchecked((uint)v)),
        FieldType.Bool => Gen.Bool.Select(v => (object)v),
        FieldType.String => Text.Select(v => (object)v),
        FieldType.Bytes => Gen.Byte.Array[0, 16].Select(v => (object)ByteString.CopyFrom(v)),
        FieldType.Double => Gen.Double.Select(v => (object)v),
        FieldType.Float => Gen.Float.Select(v => (object)v),
        FieldType.Enum => Gen.Int[-2, 12].Select(v => (object)v),
        FieldType.Message => Message(field.MessageType, depth + 1).Select(m => (object)m),
        _ => throw new NotSupportedException($"{field.FullName}: {field.FieldType}"),
    };

    /// <summary>
    /// The property every service keeps: a random request to a random method, by a random role, is never answered
    /// UNKNOWN or INTERNAL, and when it is refused the service's figures (<paramref name="figures"/>, read as an
    /// administrator) are as they were before it.
    /// </summary>
    public static async Task AssertNeverImpreciseAsync(
        ServiceDescriptor service, Func<string?, CallInvoker> invokerFor, Func<Task<string>> figures, int iterations)
    {
        string[] roles = ["anonymous", "admin", "provider", "certifier", "exchange", "reporter", "reader"];
        var invokers = roles.ToDictionary(r => r, r => invokerFor(AdversarialCorpus.TokenOf(r)));
        var calls = Gen.SelectMany(Gen.Int[0, service.Methods.Count - 1], Gen.Int[0, roles.Length - 1],
            (m, r) => For(service.Methods[m]).Select(request => (Method: service.Methods[m], Role: roles[r], Request: request)));

        // One call at a time: a refused call must leave the figures read just before it as they were.
        var answers = new Dictionary<StatusCode, int>();
        var methods = new HashSet<string>();
        await calls.SampleAsync(async call =>
        {
            var before = await figures();
            var (code, error) = await DynamicGrpc.CallAsync(invokers[call.Role], call.Method, call.Request);
            answers[code] = answers.GetValueOrDefault(code) + 1;
            methods.Add(call.Method.Name);
            Assert.False(code is StatusCode.Unknown or StatusCode.Internal, $"{call.Method.Name} as {call.Role}: {code} \"{error?.Status.Detail}\"");
            if (code != StatusCode.OK)
            {
                Assert.Equal(before, await figures());
            }
        }, iter: iterations, threads: 1, print: call => $"{call.Method.Name} as {call.Role}: {call.Request}");

        // The sample must have reached the methods and both sides of the property, or it proved nothing.
        var seen = string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{a.Key} {a.Value}"));
        Assert.True(methods.Count == service.Methods.Count, $"{methods.Count} of {service.Methods.Count} methods sampled ({seen})");
        Assert.True(answers.Keys.Count(c => c != StatusCode.OK) >= 3, $"too few kinds of refusal: {seen}");
        Assert.True(answers.GetValueOrDefault(StatusCode.InvalidArgument) > 0 && answers.GetValueOrDefault(StatusCode.OK) > 0, seen);
    }
}
