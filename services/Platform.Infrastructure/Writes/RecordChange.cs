using System.Buffers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;

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
    /// Fields the messages' own equality finds unchanged are skipped without formatting; only when some differ are the
    /// messages formatted (once each) and the differing fields' values written.
    /// </remarks>
    public string? ChangesJson()
    {
        var changed = After.Descriptor.Fields.InFieldNumberOrder()
            .Where(f => !Ignored.Contains(f.Name) && (Before is null || !Equals(f.Accessor.GetValue(Before), f.Accessor.GetValue(After))))
            .ToList();
        if (changed.Count == 0)
        {
            return null;
        }

        using var before = Before is null ? null : JsonDocument.Parse(Formatter.Format(Before));
        using var after = JsonDocument.Parse(Formatter.Format(After));
        var buffer = new ArrayBufferWriter<byte>();
        var count = 0;
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Readable.Encoder }))
        {
            writer.WriteStartArray();
            foreach (var field in changed)
            {
                var (from, to) = (Text(before, field.Name), Text(after, field.Name));
                if (from != to)
                {
                    writer.WriteStartObject();
                    writer.WriteString("field", field.Name);
                    writer.WriteString("from", from);
                    writer.WriteString("to", to);
                    writer.WriteEndObject();
                    count++;
                }
            }

            writer.WriteEndArray();
        }

        return count == 0 ? null : Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Text(JsonDocument? message, string field) =>
        message is not null && message.RootElement.TryGetProperty(field, out var value) ? JsonSerializer.Serialize(value, Readable) : "";
}
