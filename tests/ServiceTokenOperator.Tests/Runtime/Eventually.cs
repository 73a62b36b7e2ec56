using System.Diagnostics;

namespace ServiceTokenOperator.Tests.Runtime;

/// <summary>Waits for a condition with a bound, instead of sleeping.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string because, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var bound = timeout ?? TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (clock.Elapsed > bound)
            {
                Assert.Fail($"Timed out waiting until {because}.");
            }

            await Task.Delay(2);
        }
    }
}
