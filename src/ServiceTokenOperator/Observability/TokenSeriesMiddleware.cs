using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace ServiceTokenOperator.Observability;

/// <summary>
/// Runs in front of OpenTelemetry's Prometheus exporter on /metrics and adds the per-ServiceToken gauge families to
/// its response, written from the token rows at scrape time (<see cref="TokenSeriesWriter"/>), so that no series is
/// kept per token between scrapes and no series limit applies. The exporter still negotiates the format (Prometheus
/// text or OpenMetrics, by Accept) and writes every other family; ours are spliced in where the exporter would have
/// put them (it sorts families by name, after target_info), and before OpenMetrics' closing <c># EOF</c>. The
/// exporter's part is small (aggregates only) and is buffered; ours is streamed. Compression (Accept-Encoding: gzip)
/// is taken off the exporter and applied here to the whole response.
/// </summary>
internal sealed class TokenSeriesMiddleware(OperatorMetrics metrics)
{
    private const string OpenMetricsMediaType = "application/openmetrics-text";
    private static readonly byte[] TypePrefix = "# TYPE "u8.ToArray();
    private static readonly byte[] Eof = "# EOF\n"u8.ToArray();
    private static readonly TokenGaugeFamily[] Families = [.. OperatorMetrics.TokenGauges.OrderBy(f => f.Name, StringComparer.Ordinal)];

    private readonly TokenSeriesWriter _writer = new(metrics.MeterName);

    /// <summary>Puts the middleware in the /metrics branch, before the exporter.</summary>
    public static void AddTo(IApplicationBuilder branch)
    {
        var middleware = new TokenSeriesMiddleware(branch.ApplicationServices.GetRequiredService<OperatorMetrics>());
        branch.Use(middleware.InvokeAsync);
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var gzip = AcceptsGzip(context.Request);
        context.Request.Headers.Remove(HeaderNames.AcceptEncoding);
        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        using var exported = new MemoryStream();
        var capture = new StreamResponseBodyFeature(exported, original);
        context.Features.Set<IHttpResponseBodyFeature>(capture);
        try
        {
            await next(context);
            await capture.CompleteAsync();
        }
        finally
        {
            context.Features.Set(original);
        }

        var response = context.Response;
        var view = exported.TryGetBuffer(out var segment) ? segment.AsMemory() : exported.ToArray();
        // A failed or timed-out collection (500, 408) or an empty one goes out as the exporter wrote it.
        if (response.StatusCode != StatusCodes.Status200OK || view.IsEmpty || response.ContentType is not { } contentType)
        {
            await response.Body.WriteAsync(view, context.RequestAborted);
            return;
        }

        var openMetrics = contentType.StartsWith(OpenMetricsMediaType, StringComparison.OrdinalIgnoreCase);
        var body = response.Body;
        await using var compressed = gzip ? new GZipStream(body, CompressionLevel.Fastest, leaveOpen: true) : null;
        if (compressed is not null) response.Headers.ContentEncoding = "gzip";
        await SpliceAsync(compressed ?? body, view, openMetrics, context.RequestAborted);
    }

    /// <summary>Writes the exporter's families and ours, in the exporter's order: target info first, then by name.</summary>
    private async Task SpliceAsync(Stream output, ReadOnlyMemory<byte> exported, bool openMetrics, CancellationToken cancellationToken)
    {
        var (blocks, end) = Blocks(exported.Span, openMetrics);
        var rows = metrics.Tokens().ToList();
        var written = 0;
        var next = 0;
        foreach (var (start, name) in blocks)
        {
            if (name is "target_info" or "target") continue;
            while (next < Families.Length && string.CompareOrdinal(Families[next].Name, name) < 0)
            {
                await output.WriteAsync(exported[written..start], cancellationToken);
                written = start;
                await _writer.WriteFamilyAsync(output, Families[next++], rows, openMetrics, cancellationToken);
            }
        }

        await output.WriteAsync(exported[written..end], cancellationToken);
        while (next < Families.Length) await _writer.WriteFamilyAsync(output, Families[next++], rows, openMetrics, cancellationToken);
        await output.WriteAsync(exported[end..], cancellationToken);
    }

    /// <summary>Where each family of the exporter's text starts (its <c># TYPE</c> line) and its name; and where the
    /// families end (before OpenMetrics' <c># EOF</c>).</summary>
    private static (List<(int Start, string Name)> Blocks, int End) Blocks(ReadOnlySpan<byte> text, bool openMetrics)
    {
        var end = openMetrics && text.EndsWith(Eof) ? text.Length - Eof.Length : text.Length;
        var blocks = new List<(int, string)>();
        for (var line = 0; line < end;)
        {
            var rest = text[line..end];
            if (rest.StartsWith(TypePrefix))
            {
                var name = rest[TypePrefix.Length..];
                var space = name.IndexOfAny((byte)' ', (byte)'\n');
                blocks.Add((line, Encoding.UTF8.GetString(space < 0 ? name : name[..space])));
            }

            var newline = rest.IndexOf((byte)'\n');
            if (newline < 0) break;
            line += newline + 1;
        }

        return (blocks, end);
    }

    /// <summary>As the exporter decides: any Accept-Encoding entry gzip whose quality is not 0.</summary>
    private static bool AcceptsGzip(HttpRequest request) =>
        request.GetTypedHeaders().AcceptEncoding.Any(e => e.Quality != 0 && e.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase));
}
