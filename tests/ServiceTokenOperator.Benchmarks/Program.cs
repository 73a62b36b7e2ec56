using System.Text.Json;
using System.Text.Json.Serialization;
using ServiceTokenOperator.Benchmarks;

var (options, error) = BenchOptions.Parse(args);
if (options is null)
{
    if (error is not null) await Console.Error.WriteLineAsync($"bench: {error}");
    await (error is null ? Console.Out : Console.Error).WriteLineAsync(BenchOptions.Usage);
    return error is null ? 0 : 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

var result = await new BenchmarkRunner(options, Console.Out).RunAsync(stop.Token);
var json = JsonSerializer.Serialize(result, new JsonSerializerOptions(JsonSerializerDefaults.Web)
{
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
});
var outPath = Path.GetFullPath(options.Out);
await File.WriteAllTextAsync(outPath, json + "\n");
var command = "dotnet run -c Release --project tests/ServiceTokenOperator.Benchmarks -- " + string.Join(' ', args);
var summary = MarkdownSummary.Render(result, command);
await File.WriteAllTextAsync(Path.ChangeExtension(outPath, ".md"), summary);
Console.WriteLine(json);
Console.WriteLine();
Console.WriteLine(summary);
return 0;
