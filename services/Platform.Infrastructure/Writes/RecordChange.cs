using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Platform.Infrastructure.Writes;

/// <summary>
/// A record a write changed (or created: no <see cref="Before"/>), as its message before and after: the write path
/// stores the fields that differ in the record's history (<c>record_history</c>), in the write's transaction.
/// </summary>
public sealed record RecordChange(string RecordId, IMessage? Before, IMessage After)
{
    /// <summary>Bookkeeping that changes with every write and tells nothing by itself.</summary>
    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal) { "version", "updated_at" };

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true));

    /// <summary>Chinese text stays readable in the stored values (it is JSON in a jsonb column, not HTML).</summary>
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The changed fields as a JSON array of {field, from, to} (values as JSON text, "" when absent), or null when none changed.</summary>
    /// <remarks>
    /// Fields the messages' own equality finds unchanged are skipped without formatting; each differing field's values are
    /// formatted alone (a registration formats every field, so formatting whole messages and parsing them back cost a
    /// quarter of the catalog's CPU while registering). A value is what proto3 JSON would hold for the field: absent
    /// ("") where the message's JSON omits it, strings and nested values in compact JSON with Chinese text unescaped.
    /// </remarks>
    public string? ChangesJson()
    {
        ArrayBufferWriter<byte>? buffer = null;
        Utf8JsonWriter? writer = null;
        try
        {
            foreach (var field in After.Descriptor.Fields.InFieldNumberOrder())
            {
                if (Ignored.Contains(field.Name))
                {
                    continue;
                }

                var to = field.Accessor.GetValue(After);
                var from = Before is null ? null : field.Accessor.GetValue(Before);
                if (Before is not null && Equals(from, to))
                {
                    continue;
                }

                var (fromText, toText) = (Before is null ? "" : Text(Before, field, from), Text(After, field, to));
                if (fromText == toText)
                {
                    continue;
                }

                if (writer is null)
                {
                    buffer = new ArrayBufferWriter<byte>();
                    writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Readable.Encoder });
                    writer.WriteStartArray();
                }

                writer.WriteStartObject();
                writer.WriteString("field", field.Name);
                writer.WriteString("from", fromText);
                writer.WriteString("to", toText);
                writer.WriteEndObject();
            }

            if (writer is null)
            {
                return null;
            }

            writer.WriteEndArray();
            writer.Flush();
            return Encoding.UTF8.GetString(buffer!.WrittenSpan);
        }
        finally
        {
            writer?.Dispose();
        }
    }

    /// <summary>One field's value as JSON text, "" when the message's proto3 JSON would omit it (as <see cref="JsonFormatter"/> decides).</summary>
    private static string Text(IMessage message, FieldDescriptor field, object? value)
    {
        if (field.HasPresence ? !field.Accessor.HasValue(message) : IsDefault(field, value))
        {
            return "";
        }

        if (field.FieldType == FieldType.String && !field.IsRepeated)
        {
            return JsonSerializer.Serialize((string)value!, Readable);
        }

        var text = new StringWriter(CultureInfo.InvariantCulture);
        Formatter.WriteValue(text, value);
        if (field.IsRepeated || field.IsMap || field.FieldType is FieldType.Message or FieldType.Group)
        {
            // Compact, and strings inside re-escaped as the top-level ones are.
            using var nested = JsonDocument.Parse(text.ToString());
            return JsonSerializer.Serialize(nested.RootElement, Readable);
        }

        return text.ToString();
    }

    private static bool IsDefault(FieldDescriptor field, object? value) => value switch
    {
        null => true,
        _ when field.IsMap => ((IDictionary)value).Count == 0,
        _ when field.IsRepeated => ((IList)value).Count == 0,
        bool b => !b,
        ByteString bytes => bytes.IsEmpty,
        string text => text.Length == 0,
        double d => d == 0,
        float f => f == 0,
        int i => i == 0,
        uint u => u == 0,
        long l => l == 0,
        ulong u => u == 0,
        System.Enum e => Convert.ToInt32(e, CultureInfo.InvariantCulture) == 0,
        _ => false,
    };
}
