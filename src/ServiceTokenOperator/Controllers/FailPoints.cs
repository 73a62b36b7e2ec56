using System.Collections.Concurrent;

namespace ServiceTokenOperator.Controllers;

/// <summary>
/// Crash injection for tests: named points between the steps of issuing and revoking. Armed, a point "crashes" the
/// operator when reached: it and every point reached after it throw <see cref="FailPointCrash"/>, so no further
/// step of any reconcile happens, as if the process had died there. Disarmed (always, in production), a point costs
/// one dictionary lookup.
/// </summary>
internal sealed class FailPoints
{
    public const string AfterFinalizer = "after-finalizer";
    public const string AfterCreate = "after-create";
    public const string AfterVerify = "after-verify";
    public const string AfterSecret = "after-secret";
    public const string AfterRestart = "after-restart";
    public const string AfterStatus = "after-status";
    public const string AfterRevoke = "after-revoke";

    public static readonly IReadOnlyList<string> All = [AfterFinalizer, AfterCreate, AfterVerify, AfterSecret, AfterRestart, AfterStatus, AfterRevoke];

    private readonly ConcurrentDictionary<string, bool> _armed = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<string> _crashed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _dead;

    /// <summary>Completes with the point's name when an armed point was reached.</summary>
    public Task<string> Crashed => _crashed.Task;

    public void Arm(string point)
    {
        if (!All.Contains(point)) throw new ArgumentException($"unknown fail point {point}", nameof(point));
        _armed[point] = true;
    }

    /// <summary>At the start of every reconcile: a crashed operator does nothing at all.</summary>
    public void ThrowIfCrashed()
    {
        if (_dead) throw new FailPointCrash("(crashed before)");
    }

    /// <summary>Marks a step boundary.</summary>
    public void Reach(string point)
    {
        if (_dead) throw new FailPointCrash(point);
        if (_armed.IsEmpty || !_armed.ContainsKey(point)) return;
        _dead = true;
        _crashed.TrySetResult(point);
        throw new FailPointCrash(point);
    }
}
