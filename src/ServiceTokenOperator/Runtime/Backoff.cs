namespace ServiceTokenOperator.Runtime;

/// <summary>Exponential delay (factor 2) with optional jitter, capped; <see cref="Reset"/> starts over.</summary>
internal sealed class Backoff(TimeSpan initial, TimeSpan max, double jitter, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;
    private int _failures;

    public int Failures => _failures;

    public TimeSpan Next()
    {
        var exponent = Math.Min(_failures, 30);
        _failures++;
        var delay = TimeSpan.FromTicks((long)Math.Min(initial.Ticks * Math.Pow(2, exponent), max.Ticks));
        return jitter > 0 ? delay + TimeSpan.FromTicks((long)(delay.Ticks * jitter * _random.NextDouble())) : delay;
    }

    public void Reset() => _failures = 0;
}
