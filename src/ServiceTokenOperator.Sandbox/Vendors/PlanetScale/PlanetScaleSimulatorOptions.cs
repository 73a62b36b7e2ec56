namespace ServiceTokenOperator.Sandbox.Vendors.PlanetScale;

/// <summary>How a <see cref="PlanetScaleSimulator"/> starts.</summary>
public sealed record PlanetScaleSimulatorOptions
{
    /// <summary>Loopback port; 0 (default) picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>The one organization the simulator hosts. Default sandbox-org.</summary>
    public string Organization { get; init; } = "sandbox-org";

    /// <summary>Clock for creation times, expiry and the rate-limit window. Default the system clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Requests per minute per credential before 429 (PlanetScale documents 600). 0 disables the limit.</summary>
    public int RateLimitPerMinute { get; init; } = 600;

    /// <summary>Databases of the organization that accesses may name. Default payments and inventory.</summary>
    public IReadOnlySet<string>? Databases { get; init; }
}
