using System.Text.Json;
using System.Text.Json.Nodes;
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
    public string? ChangesJson()
    {
        var before = Before is null ? new JsonObject() : JsonNode.Parse(Formatter.Format(Before))!.AsObject();
        var after = JsonNode.Parse(Formatter.Format(After))!.AsObject();
        var changes = new JsonArray();
        foreach (var field in After.Descriptor.Fields.InFieldNumberOrder())
        {
            if (Ignored.Contains(field.Name))
            {
                continue;
            }

            var from = before[field.Name]?.ToJsonString(Readable) ?? "";
            var to = after[field.Name]?.ToJsonString(Readable) ?? "";
            if (from != to)
            {
                changes.Add(new JsonObject { ["field"] = field.Name, ["from"] = from, ["to"] = to });
            }
        }

        return changes.Count == 0 ? null : changes.ToJsonString(Readable);
    }
}
