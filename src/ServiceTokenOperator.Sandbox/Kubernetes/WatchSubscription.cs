using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace ServiceTokenOperator.Sandbox.Kubernetes;

/// <summary>
/// One open watch: the store offers it every change of its resource, and it queues the events its namespace
/// and selectors see, turning a change that leaves (or enters) the selection into DELETED (or ADDED) as the
/// apiserver does.
/// </summary>
internal sealed class WatchSubscription(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields)
{
    private readonly Channel<WatchEvent> _events = Channel.CreateUnbounded<WatchEvent>();
    private long _progress;

    public ResourceType Type { get; } = type;

    /// <summary>How many synthetic ADDED events the current state produced (for the initial-events-end bookmark).</summary>
    public int InitialEvents { get; set; }

    public ChannelReader<WatchEvent> Reader => _events.Reader;

    /// <summary>Every change up to this resourceVersion has been queued (what a BOOKMARK may claim).</summary>
    public long ProgressRv
    {
        get => Interlocked.Read(ref _progress);
        set => Interlocked.Exchange(ref _progress, value);
    }

    /// <summary>Offers a change of the subscription's resource: <paramref name="before"/> is null for an ADDED.</summary>
    public bool Offer(string type, JsonObject? before, JsonObject obj)
    {
        var wasIn = before is not null && Sees(before);
        var isIn = type != "DELETED" && Sees(obj);
        var outcome = (type, wasIn, isIn) switch
        {
            ("DELETED", true, _) => "DELETED",
            ("DELETED", false, _) => null,
            (_, true, true) => "MODIFIED",
            (_, false, true) => "ADDED",
            (_, true, false) => "DELETED",
            _ => null,
        };
        return outcome is not null && _events.Writer.TryWrite(new WatchEvent(outcome, obj));
    }

    public void Complete() => _events.Writer.TryComplete();

    private bool Sees(JsonObject obj) =>
        (ns is null || obj["metadata"]?["namespace"]?.GetValue<string>() == ns) && labels.Matches(obj) && fields.Matches(obj);
}
