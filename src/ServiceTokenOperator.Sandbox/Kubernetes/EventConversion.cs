using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>
/// Events are one resource seen through two APIs, as in the apiserver: stored in the core/v1 shape and
/// converted field by field for events.k8s.io/v1 readers and writers, so <c>kubectl get events</c> and
/// <c>kubectl describe</c> show events whichever API wrote them.
/// </summary>
internal static class EventConversion
{
    public const string Group = "events.k8s.io";

    private static readonly (string Core, string EventsV1)[] Renames =
    [
        ("involvedObject", "regarding"),
        ("message", "note"),
        ("reportingComponent", "reportingController"),
        ("source", "deprecatedSource"),
        ("firstTimestamp", "deprecatedFirstTimestamp"),
        ("lastTimestamp", "deprecatedLastTimestamp"),
        ("count", "deprecatedCount"),
    ];

    public static JsonObject ToCore(JsonObject eventsV1) => Rename(eventsV1, toCore: true);

    public static JsonObject ToEventsV1(JsonObject core) => Rename(core, toCore: false);

    private static JsonObject Rename(JsonObject source, bool toCore)
    {
        var result = new JsonObject();
        foreach (var (key, value) in source)
        {
            var renamed = Renames.FirstOrDefault(r => (toCore ? r.EventsV1 : r.Core) == key);
            result[renamed == default ? key : (toCore ? renamed.Core : renamed.EventsV1)] = value?.DeepClone();
        }

        return result;
    }
}
