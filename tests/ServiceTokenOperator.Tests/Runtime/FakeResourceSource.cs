using System.Runtime.CompilerServices;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using ServiceTokenOperator.Runtime;

namespace ServiceTokenOperator.Tests.Runtime;

/// <summary>
/// A scripted API: lists answer from <see cref="OnList"/>; each watch is a session whose events the test writes
/// and whose stream the test closes (normally or with an error).
/// </summary>
internal sealed class FakeResourceSource<T> : IResourceSource<T> where T : IKubernetesObject<V1ObjectMeta>
{
    private readonly Lock _gate = new();
    private readonly List<WatchSession> _watches = [];
    private readonly List<(string? LabelSelector, string? Continue)> _lists = [];

    /// <summary>Answers a list call given the continue token; may throw to simulate a failure.</summary>
    public Func<string?, ResourcePage<T>> OnList { get; set; } = _ => new ResourcePage<T>([], "1", null);

    public IReadOnlyList<(string? LabelSelector, string? Continue)> Lists
    {
        get
        {
            lock (_gate)
            {
                return [.. _lists];
            }
        }
    }

    public IReadOnlyList<WatchSession> Watches
    {
        get
        {
            lock (_gate)
            {
                return [.. _watches];
            }
        }
    }

    public WatchSession LastWatch => Watches[^1];

    public Task<ResourcePage<T>> ListAsync(string? labelSelector, string? continueToken, int limit, CancellationToken ct)
    {
        lock (_gate)
        {
            _lists.Add((labelSelector, continueToken));
        }

        return Task.FromResult(OnList(continueToken));
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(string resourceVersion, string? labelSelector, [EnumeratorCancellation] CancellationToken ct)
    {
        var session = new WatchSession(resourceVersion, labelSelector);
        lock (_gate)
        {
            _watches.Add(session);
        }

        await foreach (var e in session.Events.Reader.ReadAllAsync(ct))
        {
            yield return e;
        }
    }

    internal sealed class WatchSession(string resourceVersion, string? labelSelector)
    {
        public string ResourceVersion { get; } = resourceVersion;

        public string? LabelSelector { get; } = labelSelector;

        public Channel<WatchEvent<T>> Events { get; } = Channel.CreateUnbounded<WatchEvent<T>>();

        public void Send(WatchEventType type, T obj) => Events.Writer.TryWrite(new WatchEvent<T>(type, obj, null));

        public void SendError(int code, string reason) =>
            Events.Writer.TryWrite(new WatchEvent<T>(WatchEventType.Error, default, new V1Status { Code = code, Reason = reason }));

        public void Close() => Events.Writer.TryComplete();

        public void Fail() => Events.Writer.TryComplete(new HttpRequestException("connection reset"));
    }
}
