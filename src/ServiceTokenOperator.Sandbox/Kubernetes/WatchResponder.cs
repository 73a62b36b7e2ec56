using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>
/// Serves <c>?watch=true</c>: newline-delimited JSON events flushed one by one, replay from a resourceVersion
/// or 410 Expired, periodic BOOKMARKs, the initial-events-end bookmark, and an end on timeoutSeconds,
/// <see cref="KubeFaults.CloseWatches"/> or shutdown.
/// </summary>
internal sealed class WatchResponder(ObjectStore store, KubeFaults faults, TableConverter tables)
{
    private static readonly JsonWriterOptions RelaxedWriter = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Stored objects are immutable and shared, so each is serialized once for all its watchers (50 watchers
    // would otherwise serialize every change 50 times), keyed weakly so compacted history can go.
    private static readonly ConditionalWeakTable<JsonObject, SerializedObject> Serialized = new();
    private readonly CancellationTokenSource _stopping = new();

    public void Stop() => _stopping.Cancel();

    public async Task WatchAsync(HttpContext context, ResourceType type, string? ns, string? name, bool table)
    {
        var query = context.Request.Query;
        var fieldText = query["fieldSelector"].ToString();
        if (name is not null)
        {
            fieldText = fieldText.Length == 0 ? $"metadata.name={name}" : $"{fieldText},metadata.name={name}";
        }

        var labels = LabelSelector.Parse(query["labelSelector"]);
        var fields = FieldSelector.Parse(fieldText);
        var sendInitial = query["sendInitialEvents"].ToString() == "true";
        var bookmarks = query["allowWatchBookmarks"].ToString() == "true";
        var timeout = int.TryParse(query["timeoutSeconds"], CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromMinutes(30 + Random.Shared.Next(30));

        var subscription = store.Watch(type, ns, labels, fields, query["resourceVersion"].ToString(), sendInitial, out var goneMessage);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(context.RequestAborted);
        if (subscription is null)
        {
            await WriteEventAsync(context, type, "ERROR", KubeStatus.Failure(410, "Expired", goneMessage), table: false);
            return;
        }

        using var watchEnd = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, faults.WatchToken, _stopping.Token);
        watchEnd.CancelAfter(timeout);
        var initialLeft = subscription.InitialEvents;
        CancellationTokenSource? tick = null;
        try
        {
            if (sendInitial && initialLeft == 0)
            {
                await WriteBookmarkAsync(context, type, subscription.ProgressRv, initialEnd: true);
            }

            while (!watchEnd.IsCancellationRequested)
            {
                while (subscription.Reader.TryRead(out var change))
                {
                    await WriteEventAsync(context, type, change.Type, change.Object, table);
                    if (sendInitial && initialLeft > 0 && --initialLeft == 0)
                    {
                        await WriteBookmarkAsync(context, type, subscription.ProgressRv, initialEnd: true);
                    }
                }

                await context.Response.Body.FlushAsync(watchEnd.Token);
                if (!bookmarks)
                {
                    if (!await subscription.Reader.WaitToReadAsync(watchEnd.Token))
                    {
                        break;
                    }

                    continue;
                }

                // One bookmark timer per second, not per wake-up: a busy watch wakes thousands of times a second.
                if (tick is null)
                {
                    tick = CancellationTokenSource.CreateLinkedTokenSource(watchEnd.Token);
                    tick.CancelAfter(TimeSpan.FromSeconds(1));
                }

                try
                {
                    if (!await subscription.Reader.WaitToReadAsync(tick.Token))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException) when (!watchEnd.IsCancellationRequested)
                {
                    tick.Dispose();
                    tick = null;

                    // Tell the client how far it is up to date, when everything queued has been written.
                    var progress = subscription.ProgressRv;
                    if (subscription.Reader.Count == 0)
                    {
                        await WriteBookmarkAsync(context, type, progress, initialEnd: false);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Timeout, CloseWatches, shutdown or a client that left: the stream simply ends.
        }
        catch (IOException)
        {
            // The connection broke mid-write.
        }
        finally
        {
            tick?.Dispose();
            store.Unwatch(subscription);
        }
    }

    private Task WriteBookmarkAsync(HttpContext context, ResourceType type, long rv, bool initialEnd)
    {
        var metadata = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture) };
        if (initialEnd)
        {
            metadata["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }

        return WriteEventAsync(context, type, "BOOKMARK", new JsonObject { ["kind"] = type.Kind, ["apiVersion"] = type.ApiVersion, ["metadata"] = metadata }, table: false);
    }

    private async Task WriteEventAsync(HttpContext context, ResourceType type, string eventType, JsonObject obj, bool table)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, RelaxedWriter))
        {
            writer.WriteStartObject();
            writer.WriteString("type", eventType);
            writer.WritePropertyName("object");
            if (table && eventType is "ADDED" or "MODIFIED" or "DELETED")
            {
                var rv = obj["metadata"]?["resourceVersion"]?.GetValue<string>() ?? string.Empty;
                tables.Convert(type, [ObjectStore.Present(obj, type)], rv, includeFullObject: false).WriteTo(writer);
            }
            else
            {
                writer.WriteRawValue(SerializedAs(obj, type), skipInputValidation: true);
            }

            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    private static byte[] SerializedAs(JsonObject obj, ResourceType type)
    {
        if (Serialized.TryGetValue(obj, out var cached) && cached.ApiVersion == type.ApiVersion)
        {
            return cached.Bytes;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, RelaxedWriter))
        {
            WriteAs(writer, obj, type);
        }

        var bytes = buffer.WrittenSpan.ToArray();
        Serialized.AddOrUpdate(obj, new SerializedObject(type.ApiVersion, bytes));
        return bytes;
    }

    /// <summary>Writes a stored (shared, never mutated) object with the watcher's apiVersion, without copying it.</summary>
    private static void WriteAs(Utf8JsonWriter writer, JsonObject obj, ResourceType type)
    {
        if (obj["kind"]?.GetValue<string>() == "Status" || obj["kind"]?.GetValue<string>() != type.Kind)
        {
            obj.WriteTo(writer);
            return;
        }

        if (type.Group == EventConversion.Group)
        {
            ObjectStore.Present(obj, type).WriteTo(writer);
            return;
        }

        writer.WriteStartObject();
        foreach (var (key, value) in obj)
        {
            writer.WritePropertyName(key);
            if (key == "apiVersion")
            {
                writer.WriteStringValue(type.ApiVersion);
            }
            else if (value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                value.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    private sealed record SerializedObject(string ApiVersion, byte[] Bytes);
}
