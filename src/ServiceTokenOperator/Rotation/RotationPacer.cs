using ServiceTokenOperator.Runtime;

namespace ServiceTokenOperator.Rotation;

/// <summary>
/// Spreads due rotations of one issuer so that a wave (every token overdue after an outage or a restart) reaches the
/// vendor at a rate it accepts instead of all at once. Each due ServiceToken reserves a slot: its due time, or the
/// first time after it that is at least one spacing away from every other reservation of the same issuer.
/// Reservations live in memory only: a new leader rebuilds them from status as it reconciles every token.
/// </summary>
internal sealed class RotationPacer
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, IssuerSlots> _slotsByIssuer = new(StringComparer.Ordinal);
    private readonly Dictionary<ObjectKey, (string Issuer, DateTimeOffset Slot)> _reservations = [];
    private readonly Dictionary<string, DateTimeOffset> _heldUntil = new(StringComparer.Ordinal);

    /// <summary>
    /// The vendor answered 429 for <paramref name="issuer"/>'s credential: no token of that issuer calls it before
    /// <paramref name="until"/>. The limit is per credential, so one token's Retry-After holds for all of them;
    /// without this every queued token drew its own 429 (720 in a wave of 1,000 at 600 requests/min).
    /// </summary>
    public void Hold(string issuer, DateTimeOffset until)
    {
        lock (_lock)
        {
            if (!_heldUntil.TryGetValue(issuer, out var held) || held < until) _heldUntil[issuer] = until;
        }
    }

    /// <summary>How long <paramref name="issuer"/>'s tokens must still wait after a 429, or null when they may call.</summary>
    public TimeSpan? HeldFor(string issuer, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_heldUntil.TryGetValue(issuer, out var until)) return null;
            if (until > now) return until - now;
            _heldUntil.Remove(issuer);
            return null;
        }
    }

    /// <summary>
    /// The time at which <paramref name="key"/> may rotate. Stable: asking again returns the same slot until it is
    /// released. A token not yet due gets its due time without a reservation.
    /// </summary>
    public DateTimeOffset Reserve(string issuer, ObjectKey key, DateTimeOffset due, DateTimeOffset now, TimeSpan spacing)
    {
        if (due > now) return due;
        if (spacing <= TimeSpan.Zero) return now;
        lock (_lock)
        {
            if (_reservations.TryGetValue(key, out var existing) && existing.Issuer == issuer) return existing.Slot;
            ReleaseLocked(key);
            var slots = SlotsOf(issuer);
            DropPastLocked(slots, now - spacing);
            // Now, if no reservation is within one spacing; else after the last one. Gaps left in the middle by released
            // slots are not reused: that keeps a reservation O(log n) during a wave of thousands.
            var candidate = now;
            if (slots.Times.GetViewBetween(candidate - spacing + TimeSpan.FromTicks(1), candidate + spacing - TimeSpan.FromTicks(1)).Count > 0)
                candidate = slots.Times.Max + spacing;

            slots.Times.Add(candidate);
            slots.Owners[candidate] = key;
            _reservations[key] = (issuer, candidate);
            return candidate;
        }
    }

    /// <summary>Frees the slot of a token whose rotation happened, or that is gone.</summary>
    public void Release(ObjectKey key)
    {
        lock (_lock) ReleaseLocked(key);
    }

    /// <summary>Forgets everything, when leadership is lost.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _slotsByIssuer.Clear();
            _reservations.Clear();
            _heldUntil.Clear();
        }
    }

    private IssuerSlots SlotsOf(string issuer)
    {
        if (!_slotsByIssuer.TryGetValue(issuer, out var slots)) _slotsByIssuer[issuer] = slots = new IssuerSlots();
        return slots;
    }

    private void ReleaseLocked(ObjectKey key)
    {
        if (!_reservations.Remove(key, out var reservation)) return;
        if (!_slotsByIssuer.TryGetValue(reservation.Issuer, out var slots)) return;
        slots.Times.Remove(reservation.Slot);
        slots.Owners.Remove(reservation.Slot);
    }

    /// <summary>Slots long past were either used or abandoned; they no longer push new reservations back.</summary>
    private void DropPastLocked(IssuerSlots slots, DateTimeOffset before)
    {
        while (slots.Times.Count > 0 && slots.Times.Min < before)
        {
            var past = slots.Times.Min;
            slots.Times.Remove(past);
            if (slots.Owners.Remove(past, out var owner)) _reservations.Remove(owner);
        }
    }

    /// <summary>The reserved times of one issuer, ordered, and who holds each.</summary>
    private sealed class IssuerSlots
    {
        public SortedSet<DateTimeOffset> Times { get; } = [];

        public Dictionary<DateTimeOffset, ObjectKey> Owners { get; } = [];
    }
}
