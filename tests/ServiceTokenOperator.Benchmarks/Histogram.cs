namespace ServiceTokenOperator.Benchmarks;

/// <summary>A Prometheus histogram: cumulative bucket counts by upper bound (seconds), count and sum.</summary>
internal sealed record Histogram(IReadOnlyList<(double UpperBound, double Count)> Buckets, double Count, double Sum)
{
    /// <summary>This histogram minus an earlier scrape of it: the observations in between.</summary>
    public Histogram Minus(Histogram? earlier)
    {
        if (earlier is null) return this;
        var before = earlier.Buckets.ToDictionary(b => b.UpperBound, b => b.Count);
        return new Histogram(Buckets.Select(b => (b.UpperBound, b.Count - before.GetValueOrDefault(b.UpperBound))).ToList(), Count - earlier.Count, Sum - earlier.Sum);
    }

    /// <summary>
    /// The q-quantile as Prometheus's histogram_quantile computes it: linear within the bucket that holds it; the
    /// highest finite bound when it falls in +Inf. Null without observations.
    /// </summary>
    public double? Quantile(double q)
    {
        var total = Buckets.Count > 0 ? Buckets[^1].Count : Count;
        if (total <= 0) return null;
        var rank = q * total;
        double lowerBound = 0, lowerCount = 0;
        foreach (var (upper, count) in Buckets)
        {
            if (count >= rank)
            {
                if (double.IsPositiveInfinity(upper)) return lowerBound;
                var inBucket = count - lowerCount;
                return inBucket <= 0 ? upper : lowerBound + ((upper - lowerBound) * (rank - lowerCount) / inBucket);
            }

            lowerBound = upper;
            lowerCount = count;
        }

        return lowerBound;
    }

    /// <summary>
    /// The upper bound of the highest bucket that holds an observation: the slowest one is at most this. Infinity
    /// when it fell past the highest finite bound; null without observations.
    /// </summary>
    public double? Max()
    {
        double? max = null;
        double below = 0;
        foreach (var (upper, count) in Buckets)
        {
            if (count > below) max = upper;
            below = count;
        }

        return max;
    }
}
