namespace ServiceTokenOperator.Sandbox.Vendors;

/// <summary>
/// The injected faults of one simulator, changed at run time through <c>POST /_sandbox/faults</c> and
/// consulted once per vendor request. Thread-safe.
/// </summary>
public sealed class FaultPlan
{
    private readonly Lock _gate = new();
    private readonly Random _random;
    private FaultSettings _settings = new();
    private int _burstLeft;

    public FaultPlan(int? seed = null) => _random = seed is null ? new Random() : new Random(seed.Value);

    public FaultSettings Settings
    {
        get { lock (_gate) return _settings; }
    }

    public void Apply(FaultSettings settings)
    {
        lock (_gate)
        {
            _settings = settings;
            _burstLeft = settings.Burst429;
        }
    }

    /// <summary>Decides the fate of the next request.</summary>
    public FaultOutcome Next()
    {
        lock (_gate)
        {
            var delay = TimeSpan.FromMilliseconds(_settings.LatencyMs);
            if (_burstLeft > 0)
            {
                _burstLeft--;
                return new FaultOutcome(delay, 429, TimeSpan.FromSeconds(_settings.RetryAfterSeconds));
            }

            if (_settings.ErrorRate > 0 && _random.NextDouble() < _settings.ErrorRate)
            {
                return _settings.ErrorStatus == 429
                    ? new FaultOutcome(delay, 429, TimeSpan.FromSeconds(_settings.RetryAfterSeconds))
                    : new FaultOutcome(delay, _settings.ErrorStatus, null);
            }

            return new FaultOutcome(delay, 0, null);
        }
    }
}
