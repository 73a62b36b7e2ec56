using System.Diagnostics;

namespace ServiceTokenOperator.Tests.Runtime;

/// <summary>Waits for a condition with a bound, instead of sleeping.</summary>
internal static class Eventually
{
    public static Task TrueAsync(Func<bool> condition, string because, TimeSpan? timeout = null) =>
        TrueAsync(() => Task.FromResult(condition()), because, timeout);

    /// <summary>As above, for a condition that must itself be awaited (a Quartz query, an HTTP call).</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string because, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var bound = timeout ?? TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            if (clock.Elapsed > bound)
            {
                Assert.Fail($"Timed out waiting until {because}.");
            }

            await Task.Delay(2);
        }
    }
}
