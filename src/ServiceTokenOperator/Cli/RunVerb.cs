using ServiceTokenOperator.Hosting;

namespace ServiceTokenOperator.Cli;

/// <summary><c>run</c>: the operator against a cluster.</summary>
internal static class RunVerb
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var (options, error) = OperatorOptions.Parse(args, Environment.GetEnvironmentVariable);
        if (options is null)
        {
            await Console.Error.WriteLineAsync($"run: {error}");
            return 2;
        }

        await using var host = await OperatorHost.StartAsync(options, cancellationToken: cancellationToken);
        Console.WriteLine($"metrics listening on {host.MetricsBase.GetLeftPart(UriPartial.Authority)}");
        await host.WaitForShutdownAsync(cancellationToken);
        return 0;
    }
}
