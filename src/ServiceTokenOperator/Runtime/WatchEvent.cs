using k8s;
using k8s.Models;

namespace ServiceTokenOperator.Runtime;

/// <summary>One watch event; <see cref="Error"/> is set only for <see cref="WatchEventType.Error"/>.</summary>
internal sealed record WatchEvent<T>(WatchEventType Type, T? Object, V1Status? Error);
