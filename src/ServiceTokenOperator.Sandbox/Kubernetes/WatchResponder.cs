using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>
/// Serves <c>?watch=true</c>: newline-delimited JSON events flushed one by one, replay from a resourceVersion
/// or 410 Expired, BOOKMARKs every minute and 2 s before the end (as the apiserver's watch cache sends them: cacher.go
/// <c>defaultBookmarkFrequency</c>, <c>cacheWatcher.nextBookmarkTime</c>), the initial-events-end bookmark, and an end on timeoutSeconds,
/// <see cref="KubeFaults.CloseWatches"/> or shutdown. A metadata watch (<c>as=PartialObjectMetadata</c>) carries each
/// object's PartialObjectMetadata, BOOKMARKs included, as the apiserver's watch encoder transforms every event
/// object but a Status (handlers/watch.go <c>watchEmbeddedEncoder</c>, response.go <c>doTransformObject</c>).
/// </summary>
internal sealed class WatchResponder(ObjectStore store, KubeFaults faults, TableConverter tables)
{
    private static readonly JsonWriterOptions RelaxedWriter = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>How often a quiet watch that allows bookmarks gets one.</summary>
    internal static readonly TimeSpan BookmarkInterval = TimeSpan.FromMinutes(1);

    /// <summary>How long before the watch's end its last bookmark is sent.</summary>
    internal static readonly TimeSpan BookmarkBeforeEnd = TimeSpan.FromSeconds(2);

    // Stored objects are immutable and shared, so each is serialized once for all its watchers (50 watchers
    // would otherwise serialize every change 50 times), keyed weakly so compacted history can go.
    private static readonly ConditionalWeakTable<JsonObject, SerializedObject> Serialized = new();

    // The same for metadata watchers: only the metadata is ever written, so their Secrets' data is never serialized.
    private static readonly ConditionalWeakTable<JsonObject, SerializedObject> PartialsSerialized = new();
    private readonly CancellationTokenSource _stopping = new();

    public void Stop() => _stopping.Cancel();

    public async Task WatchAsync(HttpContext context, ResourceType type, string? ns, string? name, OutputConversion? output)
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
            await WriteEventAsync(context, type, "ERROR", KubeStatus.Failure(410, "Expired", goneMessage), output);
            return;
        }

        // A single object cannot become a PartialObjectMetadataList: the apiserver's transform of each event fails,
        // the untransformed object cannot be encoded as meta.k8s.io, and serveWatch ends the stream at the first
        // event (bookmarks included). Clients ask a watch for as=PartialObjectMetadata.
        var endsAtFirstEvent = output is { IsPartialList: true };

        using var watchEnd = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, faults.WatchToken, _stopping.Token);
        watchEnd.CancelAfter(timeout);
        var opened = Stopwatch.GetTimestamp();
        // Set once the timer of the bookmark before the end is armed: a timer that fires a millisecond early must not
        // find a sliver of time left and arm another.
        var lastArmed = false;
        var initialLeft = subscription.InitialEvents;
        CancellationTokenSource? tick = null;
        try
        {
            if (sendInitial && initialLeft == 0 && !endsAtFirstEvent)
            {
                await WriteBookmarkAsync(context, type, subscription.ProgressRv, initialEnd: true, output);
            }

            while (!watchEnd.IsCancellationRequested)
            {
                while (subscription.Reader.TryRead(out var change))
                {
                    if (endsAtFirstEvent)
                    {
                        return;
                    }

                    await WriteEventAsync(context, type, change.Type, change.Object, output);
                    if (sendInitial && initialLeft > 0 && --initialLeft == 0)
                    {
                        await WriteBookmarkAsync(context, type, subscription.ProgressRv, initialEnd: true, output);
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

                // One timer per bookmark, not per wake-up: a busy watch wakes thousands of times a second. None is left
                // once the one before the end has been sent.
                var untilLast = timeout - Stopwatch.GetElapsedTime(opened) - BookmarkBeforeEnd;
                if (tick is null && !lastArmed && untilLast > TimeSpan.Zero)
                {
                    lastArmed = untilLast <= BookmarkInterval;
                    tick = CancellationTokenSource.CreateLinkedTokenSource(watchEnd.Token);
                    tick.CancelAfter(lastArmed ? untilLast : BookmarkInterval);
                }

                try
                {
                    if (!await subscription.Reader.WaitToReadAsync(tick?.Token ?? watchEnd.Token))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException) when (!watchEnd.IsCancellationRequested)
                {
                    tick?.Dispose();
                    tick = null;

                    // Tell the client how far it is up to date, when everything queued has been written.
                    var progress = subscription.ProgressRv;
                    if (endsAtFirstEvent)
                    {
                        break;
                    }

                    if (subscription.Reader.Count == 0)
                    {
                        await WriteBookmarkAsync(context, type, progress, initialEnd: false, output);
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

    /// <summary>A BOOKMARK: an empty object of the watched kind (its PartialObjectMetadata for a metadata watch) with only the resourceVersion.</summary>
    private Task WriteBookmarkAsync(HttpContext context, ResourceType type, long rv, bool initialEnd, OutputConversion? output)
    {
        var metadata = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture) };
        if (initialEnd)
        {
            metadata["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }

        var (kind, apiVersion) = output is { IsPartialObject: true } ? (OutputConversion.PartialObject, output.ApiVersion) : (type.Kind, type.ApiVersion);
        return WriteEventAsync(context, type, "BOOKMARK", new JsonObject { ["kind"] = kind, ["apiVersion"] = apiVersion, ["metadata"] = metadata }, output: null);
    }

    private async Task WriteEventAsync(HttpContext context, ResourceType type, string eventType, JsonObject obj, OutputConversion? output)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, RelaxedWriter))
        {
            writer.WriteStartObject();
            writer.WriteString("type", eventType);
            writer.WritePropertyName("object");
            var change = eventType is "ADDED" or "MODIFIED" or "DELETED";
            if (change && output is { IsTable: true })
            {
                var rv = obj["metadata"]?["resourceVersion"]?.GetValue<string>() ?? string.Empty;
                var table = tables.Convert(type, [ObjectStore.Present(obj, type)], rv, includeFullObject: false);
                table["apiVersion"] = output.ApiVersion;
                table.WriteTo(writer);
            }
            else if (change && output is { IsPartialObject: true })
            {
                writer.WriteRawValue(SerializedPartial(obj, output.ApiVersion), skipInputValidation: true);
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

    private static byte[] SerializedPartial(JsonObject obj, string apiVersion)
    {
        if (PartialsSerialized.TryGetValue(obj, out var cached) && cached.ApiVersion == apiVersion)
        {
            return cached.Bytes;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, RelaxedWriter))
        {
            PartialObjectMetadata.Write(writer, obj, apiVersion);
        }

        var bytes = buffer.WrittenSpan.ToArray();
        PartialsSerialized.AddOrUpdate(obj, new SerializedObject(apiVersion, bytes));
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
