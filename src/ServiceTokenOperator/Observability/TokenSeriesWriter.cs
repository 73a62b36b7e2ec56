using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace ServiceTokenOperator.Observability;

/// <summary>
/// Writes the per-ServiceToken gauge families as exposition text straight from the token rows, at scrape time, as
/// kube-state-metrics renders its series from its cache: nothing per token is kept between scrapes. The lines are the
/// ones OpenTelemetry's Prometheus exporter wrote for these gauges (<c># TYPE</c>, <c># HELP</c>, then
/// <c>name{otel_scope_name="…",issuer="…",name="…",namespace="…",vendor="…"} value</c>, values formatted alike), in
/// the Prometheus text format and in OpenMetrics, which differ here only in escaping double quotes in HELP.
/// </summary>
internal sealed class TokenSeriesWriter(string scopeName)
{
    private const int BufferSize = 32 * 1024;

    // Name, braces, the four label keys, quotes, separators and a formatted double: a generous bound besides values.
    private const int FixedLineBytes = 256;

    /// <summary>Writes one family (nothing at all when no row has a value for it) to <paramref name="output"/>.</summary>
    /// <returns>The number of samples written.</returns>
    public async Task<int> WriteFamilyAsync(Stream output, TokenGaugeFamily family, IEnumerable<TokenGaugeRow> rows, bool openMetrics, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var length = 0;
            var samples = 0;
            foreach (var row in rows)
            {
                if (family.Value(row) is not { } value) continue;
                if (samples++ == 0) length = WriteHeader(buffer, family, openMetrics);
                var bound = FixedLineBytes + family.Name.Length + MaxEscapedBytes(scopeName) + MaxEscapedBytes(row.Issuer)
                    + MaxEscapedBytes(row.Name) + MaxEscapedBytes(row.Namespace) + MaxEscapedBytes(row.Vendor);
                if (buffer.Length - length < bound)
                {
                    await output.WriteAsync(buffer.AsMemory(0, length), cancellationToken);
                    length = 0;
                    if (buffer.Length < bound)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent(bound);
                    }
                }

                length = WriteSample(buffer, length, family.Name, row, value);
            }

            if (length > 0) await output.WriteAsync(buffer.AsMemory(0, length), cancellationToken);
            return samples;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes a label value or HELP text escaped as the exposition formats require: backslash, newline and (in
    /// label values, and in HELP for OpenMetrics) double quote; everything else verbatim as UTF-8.</summary>
    internal static int WriteEscaped(byte[] buffer, int cursor, string value, bool escapeQuotes)
    {
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            var special = escapeQuotes ? rest.IndexOfAny('\\', '\n', '"') : rest.IndexOfAny('\\', '\n');
            var plain = special < 0 ? rest : rest[..special];
            cursor += Encoding.UTF8.GetBytes(plain, buffer.AsSpan(cursor));
            if (special < 0) break;
            buffer[cursor++] = (byte)'\\';
            buffer[cursor++] = rest[special] switch { '\n' => (byte)'n', var c => (byte)c };
            rest = rest[(special + 1)..];
        }

        return cursor;
    }

    private static int MaxEscapedBytes(string value) => Encoding.UTF8.GetMaxByteCount(value.Length) * 2;

    private static int WriteHeader(byte[] buffer, TokenGaugeFamily family, bool openMetrics)
    {
        var cursor = WriteAscii(buffer, 0, "# TYPE ");
        cursor = WriteAscii(buffer, cursor, family.Name);
        cursor = WriteAscii(buffer, cursor, " gauge\n# HELP ");
        cursor = WriteAscii(buffer, cursor, family.Name);
        buffer[cursor++] = (byte)' ';
        cursor = WriteEscaped(buffer, cursor, family.Help, escapeQuotes: openMetrics);
        buffer[cursor++] = (byte)'\n';
        return cursor;
    }

    private int WriteSample(byte[] buffer, int cursor, string name, TokenGaugeRow row, double value)
    {
        // Label order as the exporter wrote it: the scope first, then the point's labels sorted by key.
        cursor = WriteAscii(buffer, cursor, name);
        cursor = WriteLabel(buffer, cursor, "{otel_scope_name=\"", scopeName);
        cursor = WriteLabel(buffer, cursor, "\",issuer=\"", row.Issuer);
        cursor = WriteLabel(buffer, cursor, "\",name=\"", row.Name);
        cursor = WriteLabel(buffer, cursor, "\",namespace=\"", row.Namespace);
        cursor = WriteLabel(buffer, cursor, "\",vendor=\"", row.Vendor);
        cursor = WriteAscii(buffer, cursor, "\"} ");
        cursor = WriteDouble(buffer, cursor, value);
        buffer[cursor++] = (byte)'\n';
        return cursor;
    }

    private static int WriteLabel(byte[] buffer, int cursor, string prefix, string value) =>
        WriteEscaped(buffer, WriteAscii(buffer, cursor, prefix), value, escapeQuotes: true);

    /// <summary>The exporter's number format: shortest round-trip (Utf8Formatter's default), +Inf, -Inf, NaN.</summary>
    internal static int WriteDouble(byte[] buffer, int cursor, double value)
    {
        if (double.IsPositiveInfinity(value)) return WriteAscii(buffer, cursor, "+Inf");
        if (double.IsNegativeInfinity(value)) return WriteAscii(buffer, cursor, "-Inf");
        if (double.IsNaN(value)) return WriteAscii(buffer, cursor, "NaN");
        Utf8Formatter.TryFormat(value, buffer.AsSpan(cursor), out var written);
        return cursor + written;
    }

    private static int WriteAscii(byte[] buffer, int cursor, string value) => cursor + Encoding.ASCII.GetBytes(value, buffer.AsSpan(cursor));
}
