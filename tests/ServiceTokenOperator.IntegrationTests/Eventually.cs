using System.Diagnostics;
using System.Text.Json;

namespace ServiceTokenOperator.IntegrationTests;

/// <summary>
/// Waits on a condition with a bound, instead of sleeping. Measured with a Stopwatch: these tests wait on real
/// processes and sockets, whose time is the machine's.
/// </summary>
internal static class Eventually
{
    /// <summary>Polls until <paramref name="done"/> holds for an observation, failing with the last one after the bound.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> observe, Func<T, bool> done, string what, int seconds = 30)
    {
        var clock = Stopwatch.StartNew();
        T last;
        do
        {
            last = await observe();
            if (done(last)) return last;
            await Task.Delay(50);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds));
        throw new TimeoutException($"{what} did not happen within {seconds}s; last: {JsonSerializer.Serialize(last)}");
    }

    /// <summary>Polls until <paramref name="condition"/> holds, failing after the bound.</summary>
    public static Task TrueAsync(Func<Task<bool>> condition, string what, int seconds = 10) =>
        ValueAsync(condition, done => done, what, seconds);
}
