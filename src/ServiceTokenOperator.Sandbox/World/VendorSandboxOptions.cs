using System.Net;

namespace ServiceTokenOperator.Sandbox.World;

/// <summary>How to start the vendor simulators alone (<c>sandbox --vendors-only</c>).</summary>
public sealed record VendorSandboxOptions
{
    /// <summary>Where sandbox.json is written. Default .sandbox.</summary>
    public string Dir { get; init; } = ".sandbox";

    /// <summary>The address every simulator binds. Default 127.0.0.1; 0.0.0.0 makes them reachable from containers.</summary>
    public IPAddress ListenAddress { get; init; } = IPAddress.Loopback;

    /// <summary>
    /// The host name written into sandbox.json's URLs, as clients elsewhere reach this machine (e.g. host.k3d.internal
    /// from a k3d cluster). Null: the address the simulators answer on here.
    /// </summary>
    public string? AdvertiseHost { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Latency added to every vendor request, in milliseconds.</summary>
    public int VendorLatencyMs { get; init; }
}
