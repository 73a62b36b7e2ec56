using System.Globalization;

namespace ServiceTokenOperator.Benchmarks;

/// <summary>The Prometheus text exposition format, as far as the harness reads it: histograms and summed counters.</summary>
internal static class PrometheusText
{
    /// <summary>
    /// The histogram <paramref name="name"/> summed over all its label sets (e.g. per result), or null when the
    /// exposition has no such metric. With <paramref name="where"/> ("label", "value"), only the series that carry it.
    /// </summary>
    public static Histogram? Histogram(string exposition, string name, (string Label, string Value)? where = null)
    {
        var buckets = new SortedDictionary<double, double>();
        double count = 0, sum = 0;
        var found = false;
        foreach (var (metric, labels, value) in Samples(exposition, where))
        {
            if (metric == name + "_bucket" && Label(labels, "le") is { } le)
            {
                var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
                buckets[bound] = buckets.GetValueOrDefault(bound) + value;
                found = true;
            }
            else if (metric == name + "_count")
            {
                count += value;
                found = true;
            }
            else if (metric == name + "_sum")
            {
                sum += value;
            }
        }

        return found ? new Histogram(buckets.Select(b => (b.Key, b.Value)).ToList(), count, sum) : null;
    }

    /// <summary>
    /// The samples of counter or gauge <paramref name="name"/> summed over its label sets (only those carrying
    /// <paramref name="where"/> if given), or null when the exposition has none.
    /// </summary>
    public static double? Sum(string exposition, string name, (string Label, string Value)? where = null)
    {
        double? sum = null;
        foreach (var (metric, _, value) in Samples(exposition, where))
        {
            if (metric == name) sum = (sum ?? 0) + value;
        }

        return sum;
    }

    /// <summary>Every sample line of the exposition, only those carrying <paramref name="where"/> if given.</summary>
    private static IEnumerable<(string Metric, string Labels, double Value)> Samples(string exposition, (string Label, string Value)? where)
    {
        foreach (var raw in exposition.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var sample = Split(line);
            if (where is { } w && Label(sample.Labels, w.Label) != w.Value) continue;
            yield return sample;
        }
    }

    private static (string Metric, string Labels, double Value) Split(string line)
    {
        var brace = line.IndexOf('{', StringComparison.Ordinal);
        string metric, labels, rest;
        if (brace >= 0)
        {
            var close = line.LastIndexOf('}');
            metric = line[..brace];
            labels = line[(brace + 1)..close];
            rest = line[(close + 1)..].Trim();
        }
        else
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0) return (line, "", 0);
            metric = line[..space];
            labels = "";
            rest = line[(space + 1)..].Trim();
        }

        var valueText = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "0";
        var value = valueText switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            _ => double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN,
        };
        return (metric, labels, value);
    }

    private static string? Label(string labels, string name)
    {
        foreach (var part in labels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && part[..eq] == name) return part[(eq + 1)..].Trim('"');
        }

        return null;
    }
}
