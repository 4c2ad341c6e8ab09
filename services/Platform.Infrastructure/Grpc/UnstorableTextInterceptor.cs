using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Platform.Infrastructure.Grpc;

/// <summary>
/// Refuses requests whose text PostgreSQL cannot store: a NUL character in any string field is INVALID_ARGUMENT
/// naming the field (<c>requests[3].name</c>), checked before any handler runs. Left to the database, such a value
/// fails the statement with a server error, and Npgsql may leave the pooled connection unusable for the next caller.
/// Streamed requests are not walked here (a bulk stream carries millions of records): their handlers check their text.
/// </summary>
public sealed class UnstorableTextInterceptor : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(request);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(request);
        return continuation(request, responseStream, context);
    }

    /// <summary>Per message type: whether it has a string field at any depth (most hot requests, such as the headline's, have none).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<MessageDescriptor, bool> HasText = new();

    private static void Check(object? request)
    {
        if (request is IMessage message && HasText.GetOrAdd(message.Descriptor, static d => ContainsText(d, [])))
        {
            var violations = new FieldViolations();
            Collect(message, "", violations);
            violations.ThrowIfAny();
        }
    }

    private static bool ContainsText(MessageDescriptor descriptor, HashSet<MessageDescriptor> visiting) =>
        visiting.Add(descriptor) && descriptor.Fields.InDeclarationOrder().Any(f =>
            !f.IsMap && (f.FieldType == FieldType.String || (f.FieldType == FieldType.Message && ContainsText(f.MessageType, visiting))));

    /// <summary>Adds a violation for every string field (at any depth) of <paramref name="message"/> that holds a NUL.</summary>
    public static void Collect(IMessage message, string prefix, FieldViolations violations)
    {
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            if (field.IsMap || field.FieldType is not (FieldType.String or FieldType.Message))
            {
                continue;
            }

            var value = field.Accessor.GetValue(message);
            var name = prefix + field.Name;

            if (field.IsRepeated && value is System.Collections.IList list)
            {
                for (var i = 0; i < list.Count; i++)
                {
                    Visit(field, list[i], $"{name}[{i}]", violations);
                }
            }
            else if (field.FieldType != FieldType.Message || field.Accessor.HasValue(message))
            {
                Visit(field, value, name, violations);
            }
        }
    }

    private static void Visit(FieldDescriptor field, object? value, string name, FieldViolations violations)
    {
        switch (value)
        {
            case string text when text.Contains('\0'):
                violations.Add(name, "must not contain a NUL character");
                break;
            case IMessage nested when field.FieldType == FieldType.Message:
                Collect(nested, name + ".", violations);
                break;
        }
    }
}
