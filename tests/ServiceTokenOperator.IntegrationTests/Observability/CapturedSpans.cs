using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;

namespace ServiceTokenOperator.IntegrationTests.Observability;

/// <summary>An in-memory exporter: every finished span, with what an OTLP exporter would send of it.</summary>
internal sealed class CapturedSpans : BaseProcessor<Activity>
{
    public ConcurrentQueue<Activity> Spans { get; } = new();

    public override void OnEnd(Activity data) => Spans.Enqueue(data);

    /// <summary>Everything exported about a span, as text to search.</summary>
    public static string Render(Activity span) =>
        string.Join(' ', new[] { span.Source.Name, span.DisplayName, span.OperationName, span.StatusDescription ?? "" }
            .Concat(span.TagObjects.Select(t => $"{t.Key}={t.Value}"))
            .Concat(span.Events.SelectMany(e => new[] { e.Name }.Concat(e.Tags.Select(t => $"{t.Key}={t.Value}"))))
            .Concat(span.Baggage.Select(b => $"{b.Key}={b.Value}")));
}
